"""Accepting a comment: every check a submission passes before its row is committed.

A reader is told a comment was received only once its row is committed; the
same form submitted twice (double click, retry, back-and-resubmit) finds the
row its idempotency key already made, and creates no second one.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dateline.operations.clientip import client_ip as operations_client_ip

from . import spam, tasks
from .forms import PARENT_GONE
from .mail import request_root
from .models import MAX_DEPTH, Comment, Status, TrustedCommenter
from .moderation import Moderator, Submission, policy_for
from .names import impersonation
from .ratelimit import over_limit
from .tokens import COMMENTER_COOKIE_SALT, read_form_token
from .verification import COMMENTER_COOKIE

DUPLICATE_WINDOW = timedelta(days=1)


@dataclass
class Outcome:
    """What became of a submission. `kind` is one of:
    created, already_received, discarded (a bot), limited, rejected, invalid
    (form errors). None of them asks the reader to send the same form again."""

    kind: str
    comment: Comment | None = None
    message: str = ""

    @property
    def accepted(self):
        return self.kind in {"created", "already_received"}


def client_ip(request):
    # The reader's own address, also behind nginx: the same rule as sign-in lockouts.
    return operations_client_ip(request) or None


def browser_confirmed_email(request):
    value = request.get_signed_cookie(COMMENTER_COOKIE, default=None, salt=COMMENTER_COOKIE_SALT)
    return value.lower() if isinstance(value, str) else ""


def is_trusted(email, request):
    if browser_confirmed_email(request) != email.lower():
        return False
    trusted = TrustedCommenter.objects.filter(email__iexact=email).first()
    return bool(trusted and trusted.is_trusted)


def place_reply(article, parent_id):
    """The comment a reply hangs under, respecting the depth cap; None if top level."""
    if not parent_id:
        return None
    parent = Comment.objects.filter(
        pk=parent_id, article_id=article.pk, status=Status.APPROVED
    ).first()
    if parent is None:
        return False
    if parent.depth >= MAX_DEPTH:
        return parent.parent
    return parent


def content_key(article, data):
    """The idempotency key of a form sent without a token (no JavaScript).

    Made from what was written, so pressing the button twice, or sending the
    same form again after an error, finds the first copy instead of making a
    second comment. The day is part of it: the same words a day later are new.
    """
    parts = [
        str(article.pk),
        data["email"].lower(),
        str(data.get("parent") or ""),
        data["comment"],
        timezone.now().date().isoformat(),
    ]
    return "c-" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]


def submit(article, form, request):
    if form.is_bot():
        return Outcome("discarded")
    policy = policy_for(article, fresh=True)
    closed = policy.closed_reason(article)
    if closed:
        return Outcome("rejected", message=closed)
    token = read_form_token(form.data.get("form_token", ""))

    # A repeat of a submission already stored is answered before any limit counts it.
    if token.key is not None:
        existing = Comment.objects.filter(idempotency_key=token.key).first()
        if existing is not None:
            return Outcome("already_received", existing)
    if not form.is_valid():
        return Outcome("invalid")
    data = form.cleaned_data
    key = token.key or content_key(article, data)
    if token.key is None:
        existing = Comment.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return Outcome("already_received", existing)

    parent = place_reply(article, data.get("parent"))
    if parent is False:
        form.add_error(None, PARENT_GONE)
        return Outcome("invalid")

    ip = client_ip(request)
    limited = over_limit([("ip", ip), ("email", data["email"])])
    if limited:
        return Outcome("limited", message=limited)

    duplicate = (
        Comment.objects.by_email(data["email"])
        .filter(
            article_id=article.pk,
            body=data["comment"],
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        )
        .exclude(status=Status.TRASH)
        .first()
    )
    if duplicate is not None:
        if duplicate.idempotency_key == key:
            # This very submission, committed by a copy that arrived a moment earlier.
            return Outcome("already_received", duplicate)
        return Outcome("rejected", message="You have already posted this comment here.")

    # After the rate limits, which bound how fast anyone can try names.
    refused_name = impersonation(data["name"], policy.reserved_names, request.user)
    if refused_name:
        form.add_error("name", refused_name)
        return Outcome("invalid")

    score, spam_reason = spam.score(data["comment"], data["website"])
    submission = Submission(
        name=data["name"],
        email=data["email"],
        website=data["website"],
        body=data["comment"],
        commenter_trusted=is_trusted(data["email"], request),
        unproven=token.why_unproven if not token.proven else "",
        spam_score=score,
        spam_reason=spam_reason,
    )
    verdict = Moderator(policy).judge(submission)
    if verdict.rejected:
        return Outcome("rejected", message=verdict.rejected)

    comment = Comment(
        article_id=article.pk,
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        name=submission.name,
        email=submission.email,
        website=submission.website,
        body=submission.body,
        status=verdict.status,
        held_reasons="\n".join(verdict.reasons),
        spam_score=score,
        spam_reason=spam_reason[:300],
        idempotency_key=key,
        ip_address=ip if settings.COMMENTS_IP_RETENTION_DAYS > 0 else None,
    )
    try:
        with transaction.atomic():
            comment.save()
            root = request_root(request)
            if verdict.needs_verification:
                tasks.enqueue_on_commit(tasks.send_verification_link, comment.pk, root)
            if comment.status == Status.PENDING:
                tasks.enqueue_on_commit(tasks.notify_moderators, comment.pk, root)
    except IntegrityError:
        # The same submission, arriving at the same moment on another connection.
        existing = Comment.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return Outcome("already_received", existing)
    return Outcome("created", comment)
