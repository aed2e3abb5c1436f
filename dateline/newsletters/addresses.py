"""Readers' email addresses: one strict rule for what we accept, and one form we keep.

An address reaches a mail header (the envelope and `To:`), so it is checked
here and only the checked, normalised form is ever stored or used: ASCII
local part (dot-atom), a domain of letters, digits and hyphens (an
internationalised domain is kept in its ASCII "xn--" form), no control,
format or direction characters (NUL, CR/LF, right-to-left marks, zero-width
joiners) and no label that mixes scripts (a Cyrillic "а" in "exаmple.com").
Each refusal says what to fix.
"""

import re
import unicodedata

MAX_LENGTH = 254  # RFC 5321's limit on a path, less the angle brackets
MAX_LOCAL = 64
LOCAL_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class AddressError(ValueError):
    """The address cannot be used; the message tells the reader why."""


def _script(char):
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def _check_label_scripts(label):
    # "bücher" is all Latin; "exаmple" with a Cyrillic "а" is Latin and Cyrillic.
    scripts = {_script(c) for c in label if c.isalpha()}
    if len(scripts) > 1:
        raise AddressError(
            "The part after the @ mixes letters from different alphabets, which is how "
            "look-alike addresses are made. Please type it again."
        )


def normalise(raw):
    """The address we keep and send to, or AddressError with a message for the reader."""
    if not isinstance(raw, str):
        raise AddressError("Please enter your email address.")
    value = raw.strip()
    if not value:
        raise AddressError("Please enter your email address.")
    if len(value) > MAX_LENGTH:
        raise AddressError(f"That address is longer than {MAX_LENGTH} characters.")
    if any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"} for c in value):
        raise AddressError(
            "That address contains invisible or control characters; please type it again."
        )
    if any(c.isspace() for c in value):
        raise AddressError("An email address has no spaces.")
    if value.count("@") != 1:
        raise AddressError("An email address has one @, like name@example.org.")
    local, domain = value.split("@")
    if not local or len(local) > MAX_LOCAL or not LOCAL_RE.match(local):
        raise AddressError(
            "The part before the @ may use only Latin letters, digits, dots and "
            f"!#$%&'*+/=?^_`{{|}}~- (at most {MAX_LOCAL} characters)."
        )
    domain = unicodedata.normalize("NFC", domain).rstrip(".").lower()
    labels = domain.split(".")
    ascii_labels = []
    for label in labels:
        if not label.isascii():
            _check_label_scripts(label)
            try:
                label = label.encode("idna").decode("ascii")
            except UnicodeError:
                raise AddressError("The part after the @ is not a valid domain.") from None
        if not LABEL_RE.match(label):
            raise AddressError("The part after the @ is not a valid domain, like example.org.")
        ascii_labels.append(label)
    if len(ascii_labels) < 2 or ascii_labels[-1].isdigit():
        raise AddressError("The part after the @ needs a domain, like example.org.")
    address = f"{local.lower()}@{'.'.join(ascii_labels)}"
    if len(address) > MAX_LENGTH:
        raise AddressError(f"That address is longer than {MAX_LENGTH} characters.")
    return address


def mailbox_key(address):
    """The mailbox an address reaches, for rate limits: `Ann+news@x` and `ann@x` are one
    inbox, so sign-ups under many +tags cannot flood it with confirmations."""
    local, _, domain = address.partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"
