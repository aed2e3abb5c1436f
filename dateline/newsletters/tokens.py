"""Signed values in newsletter links: no password, no cookie, nothing to guess.

- The confirmation link (double opt-in): the subscriber and the consent record
  it confirms, valid for NEWSLETTERS_CONFIRM_MAX_AGE.
- The preferences link in every email: the subscriber; it lasts as long as
  the address is subscribed (a reader may open an old issue to leave).
- The unsubscribe link of one message (List-Unsubscribe): subscriber,
  newsletter and send, so a one-click unsubscribe needs no other state and the
  send learns who left after it.
"""

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "dateline.newsletters.confirm"
MANAGE_SALT = "dateline.newsletters.manage"
LEAVE_SALT = "dateline.newsletters.unsubscribe"


def confirmation_token(subscriber_id, consent_id):
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(f"{subscriber_id}.{consent_id}")


def read_confirmation_token(token):
    """(subscriber id, consent record id), or None for a forged or expired link."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=settings.NEWSLETTERS_CONFIRM_MAX_AGE
        )
    except signing.BadSignature:
        return None
    return _ints(value, 2)


def preferences_token(subscriber_id):
    return signing.Signer(salt=MANAGE_SALT).sign(str(subscriber_id))


def read_preferences_token(token):
    try:
        value = signing.Signer(salt=MANAGE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    found = _ints(value, 1)
    return found[0] if found else None


class LeaveSigner:
    """Unsubscribe tokens, made quickly for every recipient of a send."""

    def __init__(self):
        self.signer = signing.Signer(salt=LEAVE_SALT)

    def token(self, subscriber_id, newsletter_id, send_id):
        return self.signer.sign(f"{subscriber_id}.{newsletter_id}.{send_id}")

    def read(self, token):
        """(subscriber id, newsletter id, send id or 0), or None."""
        try:
            return _ints(self.signer.unsign(token), 3)
        except signing.BadSignature:
            return None


def _ints(value, count):
    parts = value.split(".")
    if len(parts) != count or not all(p.isdigit() and len(p) < 19 for p in parts):
        return None
    return tuple(int(p) for p in parts)
