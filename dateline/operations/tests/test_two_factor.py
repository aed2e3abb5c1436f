"""Optional TOTP two-factor sign-in for editors."""

import io
import time
import urllib.parse
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.oath import TOTP

from dateline.news.tests.html import parse, text

PASSWORD = "correct horse battery staple"


@pytest.fixture
def enrolled_editor(db):
    """An editor who ran `dateline totp_enrol`, and the secret their app received."""
    get_user_model().objects.create_superuser("desk", "desk@example.org", PASSWORD)
    out = io.StringIO()
    call_command("totp_enrol", "desk", stdout=out)
    url = urllib.parse.urlparse(out.getvalue().split()[-1])
    assert url.scheme == "otpauth" and url.netloc == "totp"
    return b32decode(urllib.parse.parse_qs(url.query)["secret"][0])


def current_code(secret, offset=0):
    totp = TOTP(secret, step=30, digits=6)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def sign_in(client, settings, **fields):
    return client.post(
        f"/{settings.DATELINE_ADMIN_PATH}login/",
        {"username": "desk", "password": PASSWORD, **fields},
        REMOTE_ADDR="203.0.113.7",
    )


def form_errors(response):
    """What the sign-in page says, errors included."""
    return text(parse(response).body).lower()


def test_enrolled_editor_needs_the_current_code(client, settings, enrolled_editor):
    page = parse(client.get(f"/{settings.DATELINE_ADMIN_PATH}login/"))
    assert page.select_one("input[name=otp_token][autocomplete=one-time-code]")

    missing = sign_in(client, settings)
    assert missing.status_code == 200
    assert "enter the 6-digit code" in form_errors(missing)

    stale = sign_in(client, settings, otp_token=current_code(enrolled_editor, offset=-3600))
    assert stale.status_code == 200
    assert "not right, or has expired" in form_errors(stale)
    assert "_auth_user_id" not in client.session

    # django-otp makes each failure wait longer; the next right code is accepted after it.
    time.sleep(2.1)
    accepted = sign_in(client, settings, otp_token=current_code(enrolled_editor))
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"]
    assert client.session["otp_device_id"]


def test_the_wrong_password_gets_no_hint_about_the_code(client, settings, enrolled_editor):
    response = client.post(
        f"/{settings.DATELINE_ADMIN_PATH}login/",
        {"username": "desk", "password": "wrong", "otp_token": ""},
        REMOTE_ADDR="203.0.113.7",
    )
    assert "didn't match" in form_errors(response)
    assert "enter the 6-digit code" not in form_errors(response)
    assert "not right, or has expired" not in form_errors(response)


def test_removing_the_authenticator_goes_back_to_password_only(client, settings, enrolled_editor):
    call_command("totp_enrol", "desk", "--remove", stdout=io.StringIO())
    assert sign_in(client, settings).status_code == 302
