"""Delivery: a send is a queue of one row per recipient, worked by `dateline worker`.

The life of a row: QUEUED → CLAIMED (a worker took it, in a batch) → SENT,
FAILED (5xx, or too many 4xx), SKIPPED (the reader left first), or QUEUED
again later (4xx, with backoff). Exactly once:

- **Claiming** takes a batch with `SELECT … FOR UPDATE SKIP LOCKED` on
  PostgreSQL, so two workers on two machines never take the same row; on
  SQLite the claim is one IMMEDIATE transaction, which SQLite serialises.
- **Handing over** is noted in the worker's journal (journal.py) with one
  `write()` just before the final "." and another on the server's 250; the
  database hears of the whole batch at its end, in one transaction.
- **A worker killed** leaves its journal; the next worker on the machine
  applies it: what was handed over stays sent, the rest is queued again.
  The only message whose fate is unknown is one killed between that `write()`
  and the "." (a few microseconds): it counts as sent (docs/newsletters.md).
- **Leaving** marks unsent rows SKIPPED; each row's state is read again
  just before its message is handed over, so a claimed row is stopped too.
"""

import contextlib
import logging
import os
import secrets
import smtplib
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import bounces, journal
from .checks import blocking_findings
from .compose import render_issue
from .mail import PreparedSend, WireMessage
from .models import Delivery, Send, Subscription

logger = logging.getLogger("dateline.newsletters")
State = Delivery.State


# Queueing -------------------------------------------------------------------


def queue_send(send_id):
    """Turn a due send into its queue of deliveries, unless the checks hold it.

    One INSERT … SELECT writes every row; the unique (send, subscriber) pair
    means a send can never be queued twice for a reader."""
    with transaction.atomic():
        send = Send.objects.select_for_update().select_related("issue__newsletter").get(pk=send_id)
        if send.state != Send.State.SCHEDULED:
            return send
        issue = send.issue
        findings = blocking_findings(issue)
        if findings:
            send.state = Send.State.HELD
            send.held_reason = "\n".join(findings)
            send.save(update_fields=["state", "held_reason"])
            return send
        send.subject = issue.subject
        send.html_template, send.text_template = render_issue(issue)
        receiving = Subscription.objects.receiving(issue.newsletter).values("subscriber_id")
        select_sql, params = receiving.query.sql_with_params()
        table = Delivery._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (send_id, subscriber_id, state, attempts, uncertain, error) "  # noqa: S608 - our own table and query
                f"SELECT %s, sub.subscriber_id, %s, 0, %s, '' FROM ({select_sql}) sub",
                [send.pk, State.QUEUED, False, *params],
            )
        send.recipients = Delivery.objects.filter(send=send).count()
        send.state = Send.State.SENDING
        send.queued_at = timezone.now()
        send.save()
    return send


def start_due_sends(now=None):
    started = 0
    for send_id in Send.objects.due(now).values_list("pk", flat=True)[:5]:
        queue_send(send_id)
        started += 1
    return started


# Recovering what stopped workers left -------------------------------------------


def recover_orphans():
    """Apply the journals of dead workers on this machine. Returns rows settled."""
    settled = 0
    for claim_id, path, fd in journal.orphans():
        try:
            settled += apply_outcomes(claim_id, journal.read(path), recovered=True)
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)
    return settled


def release_abandoned(now=None):
    """Claims of a worker on another machine that never came back: queued again
    after NEWSLETTERS_CLAIM_TIMEOUT. Its journal is out of reach, so what it handed
    over since its last batch may go twice (docs/newsletters.md)."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.NEWSLETTERS_CLAIM_TIMEOUT)
    stale = Delivery.objects.filter(state=State.CLAIMED, claimed_at__lt=cutoff).exclude(
        claim__in=journal.local_claims()
    )
    return stale.update(state=State.QUEUED, claim=None, claimed_at=None)


# Recording outcomes ------------------------------------------------------------------


def retry_delay(attempts):
    delays = settings.NEWSLETTERS_RETRY_DELAYS
    return delays[min(attempts, len(delays)) - 1] if delays else 60


@transaction.atomic
def apply_outcomes(claim_id, events, errors=None, recovered=False):
    """Write a batch's outcomes ({delivery id: (event, code)}) and put back the rest."""
    errors = errors or {}
    now = timezone.now()
    mine = Delivery.objects.filter(claim=claim_id)
    by_event = {}
    for delivery_id, (event, code) in events.items():
        by_event.setdefault(event, []).append((delivery_id, code))
    handed = [d for e in ("S", "T") for d, _ in by_event.get(e, [])]
    if handed:
        # Whatever a leaving reader marked meanwhile: the message did go.
        mine.filter(pk__in=handed).update(
            state=State.SENT, sent_at=now, attempts=F("attempts") + 1, error=""
        )
        if by_event.get("T"):
            mine.filter(pk__in=[d for d, _ in by_event["T"]]).update(uncertain=True)
        subscribers = Delivery.objects.filter(pk__in=handed).values("subscriber_id")
        bounces.forget_failures(subscribers)
    for delivery_id, code in by_event.get("F", []):
        mine.filter(pk=delivery_id).update(
            state=State.FAILED,
            attempts=F("attempts") + 1,
            error=errors.get(delivery_id, f"Refused by the mail server ({code})")[:300],
        )
        bounces.record_refusal(delivery_id, code, errors.get(delivery_id, ""))
    for delivery_id, code in by_event.get("R", []):
        row = mine.filter(pk=delivery_id).values("attempts").first()
        if row is None:
            continue
        attempts = row["attempts"] + 1
        error = errors.get(delivery_id, f"Deferred by the mail server ({code})")[:300]
        if attempts >= settings.NEWSLETTERS_MAX_ATTEMPTS:
            mine.filter(pk=delivery_id).update(
                state=State.FAILED, attempts=attempts, error=f"Gave up: {error}"[:300]
            )
        else:
            mine.filter(pk=delivery_id).update(
                state=State.QUEUED,
                attempts=attempts,
                error=error,
                claim=None,
                not_before=now + timedelta(seconds=retry_delay(attempts)),
            )
    skipped = [d for d, _ in by_event.get("K", [])]
    if skipped:
        mine.filter(pk__in=skipped, state=State.CLAIMED).update(state=State.SKIPPED)
    # Never handed over (the batch stopped, or its worker died): back to the queue.
    requeued = mine.filter(state=State.CLAIMED).update(
        state=State.QUEUED, claim=None, claimed_at=None
    )
    if recovered:
        logger.warning(
            "Recovered claim %s: %d handed over (%d unconfirmed), %d queued again",
            claim_id,
            len(handed),
            len(by_event.get("T", [])),
            requeued,
        )
    return len(events) + requeued


def finish_sends(send_ids):
    for send_id in send_ids:
        unfinished = Delivery.objects.filter(
            send_id=send_id, state__in=[State.QUEUED, State.CLAIMED]
        )
        if not unfinished.exists():
            Send.objects.filter(pk=send_id, state=Send.State.SENDING).update(
                state=Send.State.FINISHED, finished_at=timezone.now()
            )


# The sender --------------------------------------------------------------------------------


class ConnectionLost(Exception):
    pass


class Sender:
    """Works the queue through one reused mail connection, at the configured rate."""

    def __init__(self, backend=None):
        self.backend_path = backend or settings.NEWSLETTERS_EMAIL_BACKEND
        self.mail = None
        self.prepared = {}
        self.next_slot = 0.0

    # The connection
    def open(self):
        if self.mail is None:
            self.mail = get_connection(self.backend_path, fail_silently=False)
            self.mail.open()
        return self.mail

    def close(self):
        if self.mail is not None:
            with contextlib.suppress(Exception):  # a broken connection is dropped anyway
                self.mail.close()
            self.mail = None

    def prepared_send(self, send_id):
        if send_id not in self.prepared:
            send = Send.objects.select_related("issue__newsletter").get(pk=send_id)
            if len(self.prepared) > 8:
                self.prepared.clear()
            self.prepared[send_id] = PreparedSend(
                send_id=send.pk,
                newsletter=send.issue.newsletter,
                subject=send.subject,
                html=send.html_template,
                text=send.text_template,
            )
        return self.prepared[send_id]

    # Claiming
    def claim(self, limit):
        """(claim id, journal, rows) for up to `limit` due rows, or None."""
        now = timezone.now()
        sending = list(
            Send.objects.filter(state=Send.State.SENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not sending:
            return None
        claim_id = secrets.randbits(62)
        note = journal.Journal.create(claim_id)  # before the claim: a death leaves a trace
        try:
            with transaction.atomic():
                due = (
                    Delivery.objects.filter(send_id__in=sending, state=State.QUEUED)
                    .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
                    .order_by("send_id", "pk")
                    .select_for_update(skip_locked=True, of=("self",))
                    .values_list("pk", flat=True)[:limit]
                )
                ids = list(due)
                if ids:
                    Delivery.objects.filter(pk__in=ids).update(
                        state=State.CLAIMED, claim=claim_id, claimed_at=now
                    )
        except BaseException:
            note.close()
            raise
        if not ids:
            note.close()
            return None
        rows = list(
            Delivery.objects.filter(claim=claim_id, state=State.CLAIMED)
            .order_by("pk")
            .values_list("pk", "send_id", "subscriber_id", "subscriber__email")
        )
        return claim_id, note, rows

    # Handing over
    def still_wanted(self, cursor, delivery_id):
        cursor.execute(self._state_sql, [delivery_id])
        found = cursor.fetchone()
        return found is not None and found[0] == State.CLAIMED

    _state_sql = f"SELECT state FROM {Delivery._meta.db_table} WHERE id = %s"  # noqa: S608

    def pace(self):
        rate = settings.NEWSLETTERS_RATE
        if rate <= 0:
            return
        now = time.monotonic()
        if self.next_slot > now:
            time.sleep(self.next_slot - now)
        self.next_slot = max(self.next_slot, now) + 1.0 / rate

    def hand_over(self, prepared, address, raw, before_final_dot):
        mail = self.open()
        if hasattr(mail, "send_prepared"):
            mail.send_prepared(prepared.envelope_sender, address, raw, before_final_dot)
        else:
            # Any other Django backend (files, console, a provider's API): the
            # point of no return is the call itself.
            before_final_dot()
            mail.send_messages([WireMessage(raw, prepared.envelope_sender, address)])

    def send_batch(self, claim_id, note, rows):
        events, errors = {}, {}
        try:
            with connection.cursor() as cursor:
                for delivery_id, send_id, subscriber_id, address in rows:
                    if not self.still_wanted(cursor, delivery_id):
                        note.skipped(delivery_id)
                        events[delivery_id] = ("K", 0)
                        continue
                    prepared = self.prepared_send(send_id)
                    raw = prepared.message(
                        delivery_id=delivery_id, subscriber_id=subscriber_id, address=address
                    )
                    self.pace()
                    outcome = self.try_one(note, delivery_id, prepared, address, raw, errors)
                    events[delivery_id] = outcome
                    if outcome[0] == "lost":
                        events.pop(delivery_id)
                        break
        finally:
            try:
                apply_outcomes(claim_id, events, errors)
            except BaseException:
                # The database did not take them: the journal stays for recovery.
                note.close(remove=False)
                raise
            note.close()
        return events

    def try_one(self, note, delivery_id, prepared, address, raw, errors, fresh=False):
        passed = []

        def point_of_no_return():
            note.tried(delivery_id)
            passed.append(True)

        reused = self.mail is not None and not fresh
        try:
            self.hand_over(prepared, address, raw, point_of_no_return)
        except smtplib.SMTPRecipientsRefused as refused:
            code, reply = next(iter(refused.recipients.values()))
            return self._refused(note, delivery_id, code, reply, errors)
        except smtplib.SMTPSenderRefused as refused:
            # Our envelope sender refused: nothing about this reader. Stop the batch.
            self.close()
            logger.error("The mail server refused our sender: %s", refused)
            return ("lost", 0)
        except smtplib.SMTPResponseException as refused:
            if refused.smtp_code == 421:
                self.close()
            return self._refused(note, delivery_id, refused.smtp_code, refused.smtp_error, errors)
        except (smtplib.SMTPException, OSError) as broken:
            self.close()
            if passed:
                # The "." was written and the connection broke before the answer:
                # counted as sent, marked uncertain (docs/newsletters.md).
                return ("T", 0)
            if reused:
                # A kept connection the server had closed meanwhile: once more, afresh.
                return self.try_one(note, delivery_id, prepared, address, raw, errors, True)
            logger.warning("Mail connection lost before %s: %s", delivery_id, broken)
            return ("lost", 0)
        note.sent(delivery_id)
        return ("S", 250)

    @staticmethod
    def _refused(note, delivery_id, code, reply, errors):
        if isinstance(reply, bytes):
            reply = reply.decode("utf-8", "replace")
        errors[delivery_id] = f"{code} {reply}"
        if 400 <= code < 500:
            note.retry(delivery_id, code)
            return ("R", code)
        note.failed(delivery_id, code)
        return ("F", code)

    def work(self, seconds):
        """Send batches for up to `seconds`. Returns messages handed over."""
        deadline = time.monotonic() + seconds
        handed = 0
        while time.monotonic() < deadline:
            claimed = self.claim(settings.NEWSLETTERS_BATCH_SIZE)
            if claimed is None:
                break
            claim_id, note, rows = claimed
            try:
                events = self.send_batch(claim_id, note, rows)
            except Exception:
                self.close()
                raise
            handed += sum(1 for event, _ in events.values() if event in ("S", "T"))
            finish_sends({send_id for _, send_id, _, _ in rows})
            if len(events) < len(rows):  # the connection was lost: let the worker breathe
                break
        if not handed:
            self.close()
        return handed


_sender = None
_last_sweep = 0.0


def sender():
    global _sender
    if _sender is None:
        _sender = Sender()
    return _sender


def reset_sender():
    """Close and forget this process's sender (tests change the mail server under it)."""
    global _sender
    if _sender is not None:
        _sender.close()
    _sender = None


def worker_job(worker=None):
    """One turn of the worker: settle what dead workers left, start due sends, send."""
    global _last_sweep
    recover_orphans()
    if time.monotonic() - _last_sweep > 60:
        release_abandoned()
        if settings.NEWSLETTERS_BOUNCE_MAILDIR:
            bounces.process_maildir(settings.NEWSLETTERS_BOUNCE_MAILDIR)
        _last_sweep = time.monotonic()
    start_due_sends()
    return sender().work(settings.NEWSLETTERS_TURN_SECONDS)
