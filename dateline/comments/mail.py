"""Mail to readers and moderators. Nothing a reader typed goes into a header."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from .tokens import data_request_token, verification_token


def absolute(path):
    return (settings.BASE_URL or settings.WAGTAILADMIN_BASE_URL).rstrip("/") + path


def _send(subject, template, context, to):
    body = render_to_string(template, context)
    EmailMessage(subject=subject, body=body, to=to).send()


def send_verification(comment):
    link = absolute(reverse("comments:verify", args=[verification_token(comment)]))
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


def send_moderator_notice(comment):
    recipients = moderator_addresses(comment)
    if not recipients:
        return
    from .models import Comment

    index = Comment.snippet_viewset.get_url_name("list")
    queue = absolute(reverse(index) + "?status=pending")
    _send(
        f"New comment awaiting moderation on {settings.WAGTAIL_SITE_NAME}",
        "comments/mail/moderator_notice.txt",
        {"comment": comment, "queue_url": queue},
        recipients,
    )


def send_data_request_link(email):
    link = absolute(reverse("comments:my_data", args=[data_request_token(email)]))
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
    queue = absolute(reverse(index) + "?status=pending")
    for address, listed in by_recipient.items():
        _send(
            f"{len(listed)} comments awaiting moderation on {settings.WAGTAIL_SITE_NAME}",
            "comments/mail/moderator_digest.txt",
            {"comments": listed, "queue_url": queue},
            [address],
        )
    Comment.objects.filter(pk__in=[c.pk for c in comments]).update(moderators_notified=True)
    return len(comments)
