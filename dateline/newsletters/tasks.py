"""Mail that is not an issue: the confirmation link and an editor's test copy.

Both go through the worker's task queue (django_tasks), after the commit."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from .compose import render_issue, site_url
from .mail import PreparedSend, WireMessage, message_domain, return_path, sign
from .models import Issue, Newsletter, Subscriber
from .tokens import confirmation_token


def _send_wire(raw, recipient):
    connection = get_connection(settings.NEWSLETTERS_EMAIL_BACKEND, fail_silently=False)
    connection.send_messages([WireMessage(raw, return_path(), recipient)])


@task()
def send_confirmation(subscriber_id, consent_id):
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return
    names = list(
        Newsletter.objects.filter(
            subscriptions__subscriber=subscriber, subscriptions__state="pending"
        ).values_list("name", flat=True)
    )
    link = site_url() + reverse(
        "newsletters:confirm", args=[confirmation_token(subscriber.pk, consent_id)]
    )
    body = render_to_string(
        "newsletters/mail/confirm.txt",
        {"link": link, "names": names, "site_name": settings.WAGTAIL_SITE_NAME},
    )
    message = EmailMessage(
        subject=f"Confirm your {settings.WAGTAIL_SITE_NAME} newsletters",
        body=body,
        from_email=settings.NEWSLETTERS_FROM_EMAIL,
        to=[subscriber.email],
        headers={"Message-ID": f"<confirm.{subscriber.pk}.{consent_id}@{message_domain()}>"},
    )
    raw = message.message().as_bytes(linesep="\r\n")
    if settings.NEWSLETTERS_DKIM:
        raw = sign(raw)
    _send_wire(raw, subscriber.email)


@task()
def send_test(issue_id, address):
    """One copy of the issue, as subscribers will get it, to an editor's own address."""
    issue = Issue.objects.select_related("newsletter").get(pk=issue_id)
    html, text = render_issue(issue)
    prepared = PreparedSend(
        send_id=0,
        newsletter=issue.newsletter,
        subject=f"[Test] {issue.subject}",
        html=html,
        text=text,
    )
    _send_wire(prepared.message(delivery_id=0, subscriber_id=0, address=address), address)
