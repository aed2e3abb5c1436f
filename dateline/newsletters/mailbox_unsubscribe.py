"""The mailto: half of List-Unsubscribe: a message to the unsubscribe mailbox whose
subject carries the signed token of the message it answers."""

import email
import re
from email import policy

from .addresses import AddressError, normalise
from .models import Newsletter, Send, Subscriber
from .subscribing import leave
from .tokens import LeaveSigner

TOKEN = re.compile(r"unsubscribe\s+(\S+)", re.IGNORECASE)


def process_unsubscribe_request(raw):
    message = email.message_from_bytes(raw, policy=policy.default)
    found = TOKEN.search(str(message.get("Subject", "")))
    ids = LeaveSigner().read(found.group(1)) if found else None
    if not ids:
        return False
    subscriber = Subscriber.objects.filter(pk=ids[0]).first()
    newsletter = Newsletter.objects.filter(pk=ids[1]).first()
    if subscriber is None or newsletter is None:
        return False
    send = Send.objects.filter(pk=ids[2]).first() if ids[2] else None
    leave(subscriber, newsletter, send=send, source_url="mailto:")
    return True


def leave_by_address(address):
    try:
        subscriber = Subscriber.objects.filter(email=normalise(address)).first()
    except AddressError:
        return False
    if subscriber is not None:
        leave(subscriber, source_url="provider webhook")
    return subscriber is not None
