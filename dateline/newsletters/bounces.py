"""Bounces: refusals while sending, DSNs in the bounce mailbox, provider webhooks.

All three end in `record`: a permanent failure counts against the address,
and at NEWSLETTERS_BOUNCE_LIMIT failures in a row nothing more is sent to it
(its queued messages are skipped); a message that arrives resets the count.
"""

import email
import mailbox
import re
from email import policy

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .addresses import AddressError, normalise
from .mail import delivery_from_message_id
from .models import BounceReport, Delivery, Subscriber

Source = BounceReport.Source


def forget_failures(subscribers):
    """A message arrived: earlier failures are no longer "in a row"."""
    Subscriber.objects.filter(pk__in=subscribers, bounce_count__gt=0).update(bounce_count=0)


@transaction.atomic
def record(*, source, permanent, subscriber=None, delivery=None, status="", diagnostic=""):
    if subscriber is None and delivery is not None:
        subscriber = delivery.subscriber
    BounceReport.objects.create(
        source=source,
        subscriber=subscriber,
        delivery=delivery,
        permanent=permanent,
        status=status[:20],
        diagnostic=diagnostic[:500],
    )
    if delivery is not None and permanent and delivery.state == Delivery.State.SENT:
        Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.BOUNCED)
    if subscriber is None or not permanent:
        return
    Subscriber.objects.filter(pk=subscriber.pk).update(bounce_count=F("bounce_count") + 1)
    subscriber.refresh_from_db(fields=["bounce_count", "suppressed_at"])
    if (
        subscriber.bounce_count >= settings.NEWSLETTERS_BOUNCE_LIMIT
        and not subscriber.suppressed_at
    ):
        subscriber.suppressed_at = timezone.now()
        subscriber.suppressed_reason = f"{subscriber.bounce_count} permanent failures: {status}"
        subscriber.save(update_fields=["suppressed_at", "suppressed_reason"])
        Delivery.objects.filter(
            subscriber=subscriber, state__in=[Delivery.State.QUEUED, Delivery.State.CLAIMED]
        ).update(state=Delivery.State.SKIPPED, error="Address is bouncing")


def record_refusal(delivery_id, code, reply):
    delivery = Delivery.objects.select_related("subscriber").filter(pk=delivery_id).first()
    if delivery is not None:
        record(
            source=Source.SMTP,
            permanent=True,
            delivery=delivery,
            status=str(code),
            diagnostic=reply,
        )


def _subscriber_for(address):
    try:
        return Subscriber.objects.filter(email=normalise(address)).first()
    except AddressError:
        return None


# DSN (RFC 3464) -----------------------------------------------------------------------

ADDRESS_FIELD = re.compile(r"^\s*(?:rfc822|utf-8)\s*;\s*(.+?)\s*$", re.IGNORECASE)


def parse_dsn(raw):
    """[(recipient, action, status, diagnostic, message id)] from a delivery status
    notification (multipart/report; report-type=delivery-status), or []."""
    message = email.message_from_bytes(raw, policy=policy.default)
    if message.get_content_type() != "multipart/report":
        return []
    if message.get_param("report-type", "").lower() != "delivery-status":
        return []
    original_id = ""
    reports = []
    for part in message.iter_parts():
        kind = part.get_content_type()
        if kind in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            original_id = _original_message_id(part) or original_id
        elif kind == "message/delivery-status":
            reports = _recipient_fields(part)
    return [(*fields, original_id) for fields in reports]


def _original_message_id(part):
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload(0) if part.is_multipart() else None
        return inner.get("Message-ID", "") if inner is not None else ""
    headers = email.message_from_bytes(part.get_payload(decode=True) or b"", policy=policy.default)
    return headers.get("Message-ID", "")


def _recipient_fields(part):
    """Per-recipient groups of the delivery-status body (the first group is per-message)."""
    groups = part.get_payload()
    if isinstance(groups, str):
        blocks = [
            email.message_from_string(block, policy=policy.default)
            for block in re.split(r"\r?\n\r?\n", groups.strip())
        ]
    else:
        blocks = list(groups)
    found = []
    for block in blocks[1:] if len(blocks) > 1 else blocks:
        recipient = block.get("Final-Recipient") or block.get("Original-Recipient") or ""
        matched = ADDRESS_FIELD.match(str(recipient))
        action = str(block.get("Action", "")).strip().lower()
        if not matched or not action:
            continue
        found.append(
            (
                matched.group(1),
                action,
                str(block.get("Status", "")).strip(),
                str(block.get("Diagnostic-Code", "")).strip(),
            )
        )
    return found


def process_dsn(raw):
    """Record every failed recipient of a DSN; returns how many were recorded."""
    recorded = 0
    for recipient, action, status, diagnostic, original_id in parse_dsn(raw):
        if action not in ("failed", "delayed"):
            continue
        delivery = None
        delivery_id = delivery_from_message_id(original_id)
        if delivery_id:
            delivery = Delivery.objects.select_related("subscriber").filter(pk=delivery_id).first()
        subscriber = delivery.subscriber if delivery else _subscriber_for(recipient)
        if subscriber is None:
            continue
        record(
            source=Source.DSN,
            permanent=action == "failed" and status.startswith("5"),
            subscriber=subscriber,
            delivery=delivery,
            status=status,
            diagnostic=diagnostic,
        )
        recorded += 1
    return recorded


def process_maildir(path):
    """Read every new message in the bounce mailbox (a Maildir), then remove it."""
    from .mailbox_unsubscribe import process_unsubscribe_request

    box = mailbox.Maildir(path, factory=None, create=False)
    handled = 0
    for key in list(box.keys()):
        raw = box.get_bytes(key)
        if not process_dsn(raw):
            process_unsubscribe_request(raw)
        box.discard(key)
        handled += 1
    return handled


# Provider webhooks, through django-anymail's normalised tracking events -------------------


def process_tracking_event(event):
    """An anymail `tracking` event: bounced/rejected/complained count as permanent."""
    kinds = {"bounced": True, "rejected": True, "complained": True, "deferred": False}
    if event.event_type == "unsubscribed":
        from .mailbox_unsubscribe import leave_by_address

        leave_by_address(event.recipient or "")
        return True
    if event.event_type not in kinds:
        return False
    delivery_id = delivery_from_message_id(event.message_id or "")
    delivery = (
        Delivery.objects.select_related("subscriber").filter(pk=delivery_id).first()
        if delivery_id
        else None
    )
    subscriber = delivery.subscriber if delivery else _subscriber_for(event.recipient or "")
    if subscriber is None:
        return False
    record(
        source=Source.WEBHOOK,
        permanent=kinds[event.event_type],
        subscriber=subscriber,
        delivery=delivery,
        status=event.event_type,
        diagnostic=str(event.description or event.mta_response or "")[:500],
    )
    return True
