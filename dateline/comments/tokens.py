"""Signed values the comment pages hand out, so no per-reader state sits in cached HTML.

- The form token: minted when a reader starts writing (fetched by comments.js,
  or embedded in the uncached page that sends a form back with its errors). It
  carries the submission's idempotency key and the time it was issued, signed
  with SECRET_KEY, so a bot can neither pick its own key nor fake having taken
  its time.
- The posted token: put in the redirect after posting, so the article page
  can show the reader their own comment while it awaits moderation.
- Verification and data-request links sent by email.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

FORM_SALT = "dateline.comments.form"
POSTED_SALT = "dateline.comments.posted"
VERIFY_SALT = "dateline.comments.verify"
DATA_SALT = "dateline.comments.data-request"
COMMENTER_COOKIE_SALT = "dateline.comments.commenter"


@dataclass(frozen=True)
class FormToken:
    """What a submitted form token says about its submission.

    `key` is the idempotency key it carries (None when there is no usable
    token); `proven` is True only for a genuine token at least
    COMMENTS_MIN_SECONDS_TO_SUBMIT old and not yet expired: the sign that a
    person spent time writing. Nothing here refuses a submission: one without
    that sign is judged by the other defences and held for a moderator
    (moderation.UnprovenForm), so a reader is never sent round to press again.
    """

    key: str | None
    proven: bool
    why_unproven: str = ""


def mint_form_token():
    return signing.TimestampSigner(salt=FORM_SALT).sign_object({"k": secrets.token_urlsafe(18)})


def _key(value):
    key = value.get("k") if isinstance(value, dict) else None
    return key if isinstance(key, str) and 0 < len(key) <= 40 else None


def read_form_token(token):
    """The FormToken for the submitted value `token` (possibly blank or forged)."""
    if not token:
        return FormToken(None, False, "no form token (posted without JavaScript)")
    signer = signing.TimestampSigner(salt=FORM_SALT)
    try:
        key = _key(signer.unsign_object(token))
    except signing.BadSignature:
        return FormToken(None, False, "a form token that this site did not issue")
    if key is None:
        return FormToken(None, False, "a form token that this site did not issue")
    try:
        signer.unsign_object(token, max_age=settings.COMMENTS_FORM_MAX_AGE)
    except signing.SignatureExpired:
        return FormToken(key, False, "a form opened more than a day before it was sent")
    minimum = settings.COMMENTS_MIN_SECONDS_TO_SUBMIT
    if minimum > 0:
        try:
            signer.unsign_object(token, max_age=minimum)
        except signing.SignatureExpired:
            pass
        else:
            return FormToken(key, False, f"sent within {minimum} seconds of starting to write")
    return FormToken(key, True)


def posted_token(comment):
    return signing.dumps(comment.pk, salt=POSTED_SALT, compress=True)


def read_posted_token(token, max_age=7 * 24 * 3600):
    try:
        return int(signing.loads(token, salt=POSTED_SALT, max_age=max_age))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def verification_token(comment):
    return signing.dumps({"c": comment.pk, "e": comment.email.lower()}, salt=VERIFY_SALT)


def read_verification_token(token):
    try:
        value = signing.loads(token, salt=VERIFY_SALT, max_age=settings.COMMENTS_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("c"), int):
        return None
    return value


def data_request_token(email):
    return signing.dumps(email.strip().lower(), salt=DATA_SALT)


def read_data_request_token(token):
    try:
        value = signing.loads(token, salt=DATA_SALT, max_age=settings.COMMENTS_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None
