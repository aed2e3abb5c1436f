"""Hostile and mistaken input on the sign-up form: a clear message or a safe outcome,
and never a reader's raw input in a mail header."""

import pytest

from dateline.newsletters.addresses import AddressError, mailbox_key, normalise
from dateline.newsletters.models import Subscriber

from .test_subscribing import subscribe  # noqa: F401 - the fixture

REFUSED = [
    ("", "Please enter your email address."),
    ("not-an-address", "An email address has one @"),
    ("a@b@example.org", "An email address has one @"),
    ("ada@localhost", "needs a domain"),
    ("x" * 65 + "@example.org", "at most 64 characters"),
    ("a@" + "b" * 250 + ".org", "longer than 254 characters"),
    ("ada\x00@example.org", "invisible or control characters"),
    ("ada@example.org\r\nBcc: victim@example.com", "invisible or control characters"),
    ("ada@example.org\nSubject: spam", "invisible or control characters"),
    ("\u202eada@example.org", "invisible or control characters"),  # right-to-left override
    ("ada\u200b@example.org", "invisible or control characters"),  # zero-width space
    ("ada@ex\u0430mple.org", "mixes letters from different alphabets"),  # Cyrillic а
    ("ädä@example.org", "only Latin letters"),
    ('"ada smith"@example.org', "An email address has no spaces."),
    ("ada..smith@example.org", "only Latin letters"),
    ("ada@-example.org", "not a valid domain"),
]


@pytest.mark.parametrize(("raw", "message"), REFUSED)
def test_unusable_addresses_get_a_clear_message(raw, message):
    with pytest.raises(AddressError, match=message.replace("(", r"\(")):
        normalise(raw)


@pytest.mark.parametrize(("raw", "message"), REFUSED[:9])
def test_the_form_shows_the_message_and_stores_nothing(subscribe, raw, message):  # noqa: F811
    answer = subscribe(raw, json=True)
    assert answer.status_code == 400
    assert message in answer.json()["message"]
    assert not Subscriber.objects.exists()


def test_case_and_unicode_domains_are_one_address():
    assert normalise("  Ada.Lovelace@EXAMPLE.org ") == "ada.lovelace@example.org"
    assert normalise("ada@bücher.example") == "ada@xn--bcher-kva.example"
    assert mailbox_key("ada+news@example.org") == "ada@example.org"


def test_the_same_address_in_another_case_is_one_subscriber(subscribe):  # noqa: F811
    subscribe("Ada@Example.org")
    subscribe("ada@example.ORG")
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["ada@example.org"]


def test_header_injection_in_editor_fields_is_refused(newsletter):
    from django.core.exceptions import ValidationError

    newsletter.sender_name = "Dateline\r\nBcc: everyone@example.com"
    with pytest.raises(ValidationError, match="Line breaks"):
        newsletter.full_clean()


def test_the_bot_trap_stores_nothing_and_answers_as_usual(subscribe, sink):  # noqa: F811
    answer = subscribe("bot@example.org", website="http://spam.example", json=True)
    assert answer.json()["ok"]
    assert not Subscriber.objects.exists() and sink.inbox.count == 0


def test_a_post_from_another_site_is_refused(client, newsletter):
    answer = client.post(
        "/newsletters/subscribe/",
        {"email": "ada@example.org", "newsletters": [newsletter.pk]},
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCEPT="application/json",
    )
    assert answer.status_code == 400 and not Subscriber.objects.exists()
