"""Mail to readers and moderators. Nothing a reader typed goes into a header.

Links in mail use the site's own address: BASE_URL when the operator set it,
else the address of the request that caused the mail (the one the reader was
using), else the Wagtail Site of the article (its hostname and port, https
with SECURE_HTTPS). Never a development default such as 127.0.0.1:8000.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from .tokens import data_request_token, verification_token


def request_root(request):
    """The address a request was made to ("https://news.example.org"), for the
    mail it causes; the host is one ALLOWED_HOSTS accepts."""
    return request.build_absolute_uri("/").rstrip("/")


def site_root(site):
    scheme = "https" if settings.SECURE_HTTPS else "http"
    # Behind a TLS proxy a Site often keeps port 80: the public port is then the default.
    default_ports = {80, 443} if settings.SECURE_HTTPS else {80}
    port = "" if site.port in default_ports else f":{site.port}"
    return f"{scheme}://{site.hostname}{port}"


def root_for(page=None, root=None):
    if settings.BASE_URL:
        return settings.BASE_URL.rstrip("/")
    if root:
        return root
    from wagtail.models import Site

    site = page.get_site() if page is not None else None
    site = site or Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    if site is None:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return site_root(site)


def absolute(path, page=None, root=None):
    return root_for(page, root) + path


def _send(subject, template, context, to):
    body = render_to_string(template, context)
    EmailMessage(subject=subject, body=body, to=to).send()


def send_verification(comment, root=None):
    link = absolute(
        reverse("comments:verify", args=[verification_token(comment)]), comment.article, root
    )
    _send(
        f"Confirm your comment on {settings.WAGTAIL_SITE_NAME}",
        "comments/mail/verify.txt",
        {"comment": comment, "link": link, "site_name": settings.WAGTAIL_SITE_NAME},
        [comment.email],
    )


def moderator_addresses(comment):
    """Users who may moderate, plus those who opted in for one of the article's authors."""
    User = get_user_model()
    moderators = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True)
        | Q(groups__permissions__codename="change_comment")
        | Q(user_permissions__codename="change_comment")
    )
    from .models import AuthorNotificationOptIn

    author_ids = comment.article.bylines.values_list("author_id", flat=True)
    followers = AuthorNotificationOptIn.objects.filter(
        author_id__in=author_ids, user__is_active=True
    ).values_list("user__email", flat=True)
    emails = set(moderators.exclude(email="").values_list("email", flat=True))
    emails.update(e for e in followers if e)
    return sorted(emails)


def send_moderator_notice(comment, root=None):
    recipients = moderator_addresses(comment)
    if not recipients:
        return
    from .models import Comment

    index = Comment.snippet_viewset.get_url_name("list")
    queue = absolute(reverse(index) + "?status=pending", comment.article, root)
    _send(
        f"New comment awaiting moderation on {settings.WAGTAIL_SITE_NAME}",
        "comments/mail/moderator_notice.txt",
        {"comment": comment, "queue_url": queue},
        recipients,
    )


def send_data_request_link(email, root=None):
    link = absolute(reverse("comments:my_data", args=[data_request_token(email)]), root=root)
    _send(
        f"Your comments on {settings.WAGTAIL_SITE_NAME}",
        "comments/mail/data_request.txt",
        {"link": link, "site_name": settings.WAGTAIL_SITE_NAME},
        [email],
    )


def send_moderator_digest():
    """One mail per moderator listing the pending comments not yet announced.
    Returns how many comments the digest covered."""
    from .models import Comment, Status

    comments = list(
        Comment.objects.filter(status=Status.PENDING, moderators_notified=False)
        .select_related("article")
        .order_by("created_at", "pk")[:500]
    )
    if not comments:
        return 0
    by_recipient = {}
    for comment in comments:
        for address in moderator_addresses(comment):
            by_recipient.setdefault(address, []).append(comment)
    index = Comment.snippet_viewset.get_url_name("list")
    queue = absolute(reverse(index) + "?status=pending", comments[0].article)
    for address, listed in by_recipient.items():
        _send(
            f"{len(listed)} comments awaiting moderation on {settings.WAGTAIL_SITE_NAME}",
            "comments/mail/moderator_digest.txt",
            {"comments": listed, "queue_url": queue},
            [address],
        )
    Comment.objects.filter(pk__in=[c.pk for c in comments]).update(moderators_notified=True)
    return len(comments)
