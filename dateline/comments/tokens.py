"""Signed values the comment pages hand out, so no per-reader state sits in cached HTML.

- The form token: minted when a reader starts writing (fetched by comments.js,
  or embedded in the uncached "check and post again" page). It carries the
  submission's idempotency key and the time it was issued, signed with
  SECRET_KEY, so a bot can neither pick its own key nor fake having taken its time.
- The posted token: put in the redirect after posting, so the article page
  can show the reader their own comment while it awaits moderation.
- Verification and data-request links sent by email.
"""

import secrets

from django.conf import settings
from django.core import signing

FORM_SALT = "dateline.comments.form"
POSTED_SALT = "dateline.comments.posted"
VERIFY_SALT = "dateline.comments.verify"
DATA_SALT = "dateline.comments.data-request"
COMMENTER_COOKIE_SALT = "dateline.comments.commenter"


class FormTokenError(Exception):
    """The form token is missing, forged, too fresh or too old: the message says which."""


def mint_form_token():
    return signing.TimestampSigner(salt=FORM_SALT).sign_object({"k": secrets.token_urlsafe(18)})


def read_form_token(token):
    """The idempotency key in `token`. Raises FormTokenError if it may not be used now."""
    signer = signing.TimestampSigner(salt=FORM_SALT)
    max_age = settings.COMMENTS_FORM_MAX_AGE
    if not token:
        raise FormTokenError("Please check your comment and press “Post Comment” again.")
    try:
        value = signer.unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        raise FormTokenError(
            "This form was opened a long time ago. Please check your comment and post again."
        ) from None
    except signing.BadSignature:
        raise FormTokenError("Please check your comment and press “Post Comment” again.") from None
    try:
        signer.unsign_object(token, max_age=settings.COMMENTS_MIN_SECONDS_TO_SUBMIT)
    except signing.SignatureExpired:
        pass
    else:
        if settings.COMMENTS_MIN_SECONDS_TO_SUBMIT > 0:
            raise FormTokenError(
                "That was very quick. Please check your comment and press “Post Comment” again."
            )
    key = value.get("k") if isinstance(value, dict) else None
    if not isinstance(key, str) or not key:
        raise FormTokenError("Please check your comment and press “Post Comment” again.")
    return key


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
