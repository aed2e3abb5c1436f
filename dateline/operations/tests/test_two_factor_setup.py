"""An editor turns two-factor sign-in on and off from their account page."""

import re
import time
import urllib.parse
from base64 import b32decode

import pytest
import segno
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from dateline.news.tests.html import parse, text

from .test_two_factor import PASSWORD, current_code, form_errors, sign_in


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("desk", "desk@example.org", PASSWORD)


@pytest.fixture
def page_url(settings):
    return f"/{settings.DATELINE_ADMIN_PATH}account/two-factor/"


@pytest.fixture
def signed_in(client, editor):
    client.force_login(editor)
    return client


def start_setup(client, page_url):
    """Press "Set up an authenticator app"; the page, and the secret the app would get."""
    assert client.post(page_url, {"action": "start"}).status_code == 302
    response = client.get(page_url)
    page = parse(response)
    url = text(page.select_one("#two-factor-url"))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    secret = b32decode(query["secret"][0])
    # The key to type by hand is the same secret.
    typed = text(page.select_one("#two-factor-secret")).replace(" ", "")
    assert b32decode(typed) == secret
    return response, url, secret


def state(client, page_url):
    return parse(client.get(page_url)).select_one("#two-factor")["data-state"]


def test_the_account_page_offers_it_and_says_whether_it_is_on(signed_in, settings, page_url):
    account = parse(signed_in.get(f"/{settings.DATELINE_ADMIN_PATH}account/"))
    link = account.select_one(f"a[href='{page_url}']")
    assert text(link) == "Two-factor sign-in"
    assert text(link.find_parent("li")).endswith(
        "Off: set up an authenticator app, so a password alone cannot sign in."
    )
    response = signed_in.get(page_url)
    assert response.status_code == 200
    assert "Two-factor sign-in is off." in text(parse(response).select_one("#two-factor"))


def test_set_up_confirm_then_sign_in_needs_the_code(signed_in, client, settings, page_url):
    response, url, secret = start_setup(signed_in, page_url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # the page shows the secret
    parts = urllib.parse.urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert urllib.parse.unquote(parts.path) == "/Dateline:desk"  # what the app lists it as
    # The QR code is drawn on the server, of that same address, as inline SVG.
    svg = parse(response).select_one(".two-factor-qr svg")
    expected = segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    drawn = BeautifulSoup(expected, "html.parser").select_one("path.qrline")["d"]
    assert svg.select_one("path.qrline")["d"] == drawn
    assert not svg.select("[style], [href], script, image")
    # Not on until confirmed: the password alone still signs in elsewhere.
    assert state(signed_in, page_url) == "pending"

    code = current_code(secret)
    confirmed = signed_in.post(
        page_url, {"action": "confirm", "code": f"{code[:3]} {code[3:]}", "password": PASSWORD}
    )
    assert confirmed.status_code == 302
    after = parse(signed_in.get(page_url))
    assert after.select_one("#two-factor")["data-state"] == "on"
    assert "Two-factor sign-in is on: sign-in now asks for a code." in text(after)
    assert after.select_one("#two-factor-secret") is None  # never shown again
    assert secret.hex() not in signed_in.get(page_url).content.decode()

    signed_in.post(f"/{settings.DATELINE_ADMIN_PATH}logout/")
    assert "enter the 6-digit code" in form_errors(sign_in(client, settings))
    # The code that confirmed the app is used up; the next one signs in.
    assert sign_in(client, settings, otp_token=current_code(secret, offset=30)).status_code == 302


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("", "This field is required."),
        ("12345", "Enter the 6 digits your app shows now"),
        ("abcdef", "Enter the 6 digits your app shows now"),
        ("123 4567", "Enter the 6 digits your app shows now"),
    ],
)
def test_a_code_that_is_not_six_digits_is_refused(signed_in, page_url, code, error):
    start_setup(signed_in, page_url)
    response = signed_in.post(page_url, {"action": "confirm", "code": code, "password": PASSWORD})
    assert response.status_code == 200
    assert error in text(parse(response).select_one(".w-field__errors"))
    assert state(signed_in, page_url) == "pending"


def test_a_wrong_code_does_not_turn_it_on(signed_in, client, settings, page_url):
    _, _, secret = start_setup(signed_in, page_url)
    wrong = signed_in.post(
        page_url,
        {"action": "confirm", "code": current_code(secret, offset=-3600), "password": PASSWORD},
    )
    assert wrong.status_code == 200
    assert "not right, or has expired" in text(parse(wrong))
    # django-otp makes the next try wait; the page says how long.
    too_soon = signed_in.post(
        page_url, {"action": "confirm", "code": current_code(secret), "password": PASSWORD}
    )
    assert re.search(r"Too many wrong codes\. Wait \d+ seconds", text(parse(too_soon)))
    assert state(signed_in, page_url) == "pending"
    # An unconfirmed app does not count: the password alone still signs in.
    signed_in.post(f"/{settings.DATELINE_ADMIN_PATH}logout/")
    assert sign_in(client, settings).status_code == 302

    time.sleep(1.1)
    confirmed = client.post(
        page_url, {"action": "confirm", "code": current_code(secret), "password": PASSWORD}
    )
    assert confirmed.status_code == 302
    assert state(client, page_url) == "on"


def test_cancel_or_start_again_with_a_new_key(signed_in, page_url):
    _, _, first = start_setup(signed_in, page_url)
    _, _, second = start_setup(signed_in, page_url)
    assert first != second
    assert TOTPDevice.objects.count() == 1
    assert signed_in.post(page_url, {"action": "cancel"}).status_code == 302
    assert state(signed_in, page_url) == "off"
    assert not TOTPDevice.objects.exists()


def test_turning_it_off_takes_a_current_code_or_the_password(signed_in, client, settings, page_url):
    _, _, secret = start_setup(signed_in, page_url)
    signed_in.post(
        page_url, {"action": "confirm", "code": current_code(secret), "password": PASSWORD}
    )

    nothing = signed_in.post(page_url, {"action": "turn_off", "code": "", "password": ""})
    assert "Enter a code from your app, or your password." in text(parse(nothing))
    wrong = signed_in.post(
        page_url, {"action": "turn_off", "password": "not my password"}, REMOTE_ADDR="203.0.113.7"
    )
    assert "That password is not right." in text(parse(wrong))
    assert state(signed_in, page_url) == "on"

    off = signed_in.post(
        page_url, {"action": "turn_off", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert off.status_code == 302
    assert state(signed_in, page_url) == "off"
    signed_in.post(f"/{settings.DATELINE_ADMIN_PATH}logout/")
    assert sign_in(client, settings).status_code == 302  # the password alone again


def test_turning_it_off_with_a_code(signed_in, page_url):
    _, _, secret = start_setup(signed_in, page_url)
    signed_in.post(
        page_url, {"action": "confirm", "code": current_code(secret), "password": PASSWORD}
    )
    off = signed_in.post(page_url, {"action": "turn_off", "code": current_code(secret, offset=30)})
    assert off.status_code == 302
    assert state(signed_in, page_url) == "off"


def test_a_form_from_an_out_of_date_page_changes_nothing(signed_in, page_url):
    # "Turn off" sent from a tab opened before another tab cancelled the setup.
    response = signed_in.post(page_url, {"action": "turn_off", "password": PASSWORD}, follow=True)
    assert "That form was out of date" in text(parse(response))
    assert state(signed_in, page_url) == "off"


def test_only_people_with_admin_access_reach_it(client, page_url, db):
    reader = get_user_model().objects.create_user("reader", "r@example.org", PASSWORD)
    assert client.get(page_url).status_code == 302  # to the sign-in page
    client.force_login(reader)
    assert client.post(page_url, {"action": "start"}).status_code in {302, 403}
    assert not TOTPDevice.objects.exists()


def test_turning_it_on_takes_the_password_too(signed_in, page_url):
    # A stolen session alone must not be able to put someone else's app on the account.
    _, _, secret = start_setup(signed_in, page_url)
    for password in ("", "not my password"):
        response = signed_in.post(
            page_url,
            {"action": "confirm", "code": current_code(secret), "password": password},
            REMOTE_ADDR="203.0.113.9",
        )
        assert response.status_code == 200
        errors = text(parse(response).select_one("#two-factor"))
        assert "This field is required." in errors or "That password is not right." in errors
        assert state(signed_in, page_url) == "pending"
