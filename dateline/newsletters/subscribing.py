"""Joining, confirming, changing and leaving: the reader's side of a list.

Double opt-in: asking records a pending subscription and a consent record,
and mails one confirmation link; nothing else is ever sent to an address
until its owner opens that link and confirms. The answer to "subscribe" is
the same whatever the address's history, and a flood of sign-ups for one
inbox sends it at most one confirmation per NEWSLETTERS_CONFIRM_RESEND_SECONDS.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dateline.comments.ratelimit import over_limit

from . import tasks
from .addresses import mailbox_key
from .models import ConsentRecord, Delivery, Newsletter, Subscriber, Subscription

State = Subscription.State


def consent_wording():
    """The words beside every sign-up button, recorded with each consent as shown."""
    return (
        f"Email me the newsletters I ticked from {settings.WAGTAIL_SITE_NAME}. I will get a "
        "link to confirm first; every email has a link to change my choice or unsubscribe."
    )


def _described(newsletters):
    return [{"id": n.pk, "name": n.name} for n in newsletters]


def request_subscription(address, newsletters, *, source_url, client_ip):
    """Record the request and mail a confirmation link, unless that inbox just had one.
    Returns nothing the caller could tell apart: every outcome looks the same."""
    limited = over_limit(
        [("newsletter_ip", client_ip), ("newsletter_mailbox", mailbox_key(address))],
        limits=settings.NEWSLETTERS_RATE_LIMITS,
    )
    if limited or not newsletters:
        return
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(email=address)
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        held = {s.newsletter_id: s for s in Subscription.objects.filter(subscriber=subscriber)}
        wanted = [n for n in newsletters if getattr(held.get(n.pk), "state", None) != State.ACTIVE]
        if not wanted:
            return  # already receiving every one of them: nothing to confirm
        now = timezone.now()
        for newsletter in wanted:
            existing = held.get(newsletter.pk)
            if existing is None:
                Subscription.objects.create(
                    subscriber=subscriber, newsletter=newsletter, requested_at=now
                )
            elif existing.state == State.LEFT:
                existing.state, existing.requested_at = State.PENDING, now
                existing.save(update_fields=["state", "requested_at"])
        consent = ConsentRecord.objects.create(
            subscriber=subscriber,
            action=ConsentRecord.Action.REQUESTED,
            source_url=source_url[:500],
            newsletters=_described(wanted),
            wording=consent_wording(),
        )
        recent = subscriber.confirmation_sent_at
        if recent and (now - recent).total_seconds() < settings.NEWSLETTERS_CONFIRM_RESEND_SECONDS:
            return  # the link already in that inbox confirms these too
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["confirmation_sent_at"])
        subscriber_id, consent_id = subscriber.pk, consent.pk
        transaction.on_commit(lambda: tasks.send_confirmation.enqueue(subscriber_id, consent_id))


def pending_for(subscriber):
    return list(
        Newsletter.objects.filter(
            subscriptions__subscriber=subscriber, subscriptions__state=State.PENDING
        )
    )


@transaction.atomic
def confirm(subscriber, consent, chosen_ids):
    """The reader opened the link and pressed Confirm: the chosen pending lists start."""
    now = timezone.now()
    chosen = [n for n in pending_for(subscriber) if n.pk in set(chosen_ids)]
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now
        subscriber.save(update_fields=["confirmed_at"])
    Subscription.objects.filter(
        subscriber=subscriber, newsletter__in=chosen, state=State.PENDING
    ).update(state=State.ACTIVE, confirmed_at=now)
    ConsentRecord.objects.create(
        subscriber=subscriber,
        action=ConsentRecord.Action.CONFIRMED,
        source_url=consent.source_url if consent else "",
        newsletters=_described(chosen),
        wording=CONFIRM_WORDING,
    )
    return chosen


CONFIRM_WORDING = "Yes, send me the newsletters ticked above."
PREFERENCES_WORDING = "Send me the newsletters ticked above."


@transaction.atomic
def change_preferences(subscriber, chosen_ids, *, paused, source_url=""):
    """The preferences page: the ticked lists, and whether everything waits for now."""
    now = timezone.now()
    chosen_ids = set(chosen_ids)
    current = {s.newsletter_id: s for s in subscriber.subscriptions.select_related("newsletter")}
    for newsletter in Newsletter.objects.filter(active=True):
        held = current.get(newsletter.pk)
        if newsletter.pk in chosen_ids and (held is None or held.state != State.ACTIVE):
            # Confirmed by the emailed link that opened this page.
            Subscription.objects.update_or_create(
                subscriber=subscriber,
                newsletter=newsletter,
                defaults={"state": State.ACTIVE, "confirmed_at": now, "left_at": None},
            )
        elif newsletter.pk not in chosen_ids and held is not None and held.state != State.LEFT:
            held.state, held.left_at = State.LEFT, now
            held.save(update_fields=["state", "left_at"])
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now
    subscriber.paused = paused
    subscriber.save(update_fields=["confirmed_at", "paused"])
    active = Newsletter.objects.filter(
        subscriptions__subscriber=subscriber, subscriptions__state=State.ACTIVE
    )
    ConsentRecord.objects.create(
        subscriber=subscriber,
        action=ConsentRecord.Action.CHANGED,
        source_url=source_url[:500],
        newsletters=_described(active),
        wording=PREFERENCES_WORDING + (" Pause everything for now." if paused else ""),
    )
    _skip_unsent(subscriber)


@transaction.atomic
def leave(subscriber, newsletter=None, send=None, source_url=""):
    """Unsubscribe from one newsletter (or every one): takes effect for every message
    not yet handed to the mail server, including those of a send already under way."""
    now = timezone.now()
    subscriptions = subscriber.subscriptions.exclude(state=State.LEFT)
    if newsletter is not None:
        subscriptions = subscriptions.filter(newsletter=newsletter)
    left = list(subscriptions.select_related("newsletter"))
    subscriptions.update(state=State.LEFT, left_at=now, left_after=send)
    ConsentRecord.objects.create(
        subscriber=subscriber,
        action=ConsentRecord.Action.LEFT,
        source_url=source_url[:500],
        newsletters=_described(s.newsletter for s in left),
        wording="",
    )
    _skip_unsent(subscriber)
    return [s.newsletter for s in left]


def _skip_unsent(subscriber):
    """Queued messages for lists the reader no longer receives are not sent.

    Rows a worker has already claimed are marked too: the worker reads each
    row's state again just before handing its message over (delivery.py).
    """
    receiving = Subscription.objects.filter(subscriber=subscriber, state=State.ACTIVE)
    unsent = Delivery.objects.filter(
        subscriber=subscriber, state__in=[Delivery.State.QUEUED, Delivery.State.CLAIMED]
    )
    if subscriber.paused:
        stopped = unsent
    else:
        stopped = unsent.exclude(send__issue__newsletter__in=receiving.values("newsletter"))
    stopped.update(state=Delivery.State.SKIPPED, error="Unsubscribed before it was sent")
