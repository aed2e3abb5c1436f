"""First-time commenters prove their address with a link, not by a name+email
match anyone could type. Trust = a confirmed address with an approved comment,
used from a browser that holds the signed cookie the link set."""

from django.db import transaction
from django.utils import timezone

from .models import Comment, Status, TrustedCommenter
from .tokens import COMMENTER_COOKIE_SALT, read_verification_token

COMMENTER_COOKIE = "dateline_commenter"
COOKIE_MAX_AGE = 365 * 24 * 3600
FIRST_TIME_PREFIX = "First comment from this email address"


def comment_for_token(token):
    value = read_verification_token(token)
    if value is None:
        return None
    comment = Comment.objects.filter(pk=value["c"]).select_related("article").first()
    if comment is None or comment.erased or comment.email.lower() != value["e"]:
        return None
    return comment


@transaction.atomic
def confirm(comment):
    now = timezone.now()
    trusted, _ = TrustedCommenter.objects.get_or_create(email=comment.email.lower())
    if trusted.verified_at is None:
        trusted.verified_at = now
    if trusted.first_approved_at is None and (
        Comment.objects.by_email(comment.email).filter(status=Status.APPROVED).exists()
    ):
        trusted.first_approved_at = now
    trusted.save(update_fields=["verified_at", "first_approved_at"])
    Comment.objects.filter(email__iexact=comment.email).update(email_verified=True)
    comment.refresh_from_db()
    if comment.status != Status.PENDING:
        return comment
    remaining = [r for r in comment.held_reason_list if not r.startswith(FIRST_TIME_PREFIX)]
    if trusted.is_trusted and not remaining:
        # Only the first-time rule held it, and the address has earned trust.
        comment.status = Status.APPROVED
        comment.moderated_at = now
    comment.held_reasons = "\n".join(
        remaining or ["Email address confirmed; waiting for a moderator."]
    )
    comment.save(update_fields=["status", "moderated_at", "held_reasons"])
    return comment


def remember_browser(response, email):
    response.set_signed_cookie(
        COMMENTER_COOKIE,
        email.lower(),
        salt=COMMENTER_COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=response_is_secure_default(),
    )


def response_is_secure_default():
    from django.conf import settings

    return bool(getattr(settings, "SESSION_COOKIE_SECURE", False))


def record_approvals(emails):
    """Approved comments make their addresses eligible for trust."""
    emails = {e.lower() for e in emails if e}
    if not emails:
        return
    TrustedCommenter.objects.bulk_create(
        [TrustedCommenter(email=e) for e in emails], ignore_conflicts=True, batch_size=1000
    )
    TrustedCommenter.objects.filter(email__in=emails, first_approved_at__isnull=True).update(
        first_approved_at=timezone.now()
    )
