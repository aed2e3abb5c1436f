"""Signing in to the Wagtail admin: lockout after repeated failures, and sessions that end."""

import pytest
from django.contrib.auth import get_user_model

from dateline.news.tests.html import parse, text

PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("desk", "desk@example.org", PASSWORD)


def sign_in(client, settings, username, password, ip="203.0.113.7"):
    return client.post(
        f"/{settings.DATELINE_ADMIN_PATH}login/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_repeated_wrong_passwords_lock_the_account_out(client, settings, editor):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        response = sign_in(client, settings, "desk", "wrong guess")
        assert response.status_code == 200  # the form again, with its error
        assert "_auth_user_id" not in client.session
    locked = sign_in(client, settings, "desk", "wrong guess")
    assert locked.status_code == 429
    assert text(parse(locked).h1) == "Too many failed sign-ins"

    # Even the right password is refused while the lockout lasts...
    assert sign_in(client, settings, "desk", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but only for this user from this address: a stranger guessing cannot
    # lock the editor out from the newsroom.
    elsewhere = sign_in(client, settings, "desk", PASSWORD, ip="198.51.100.20")
    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_a_successful_sign_in_clears_earlier_failures(client, settings, editor):
    settings.AXES_FAILURE_LIMIT = 3
    sign_in(client, settings, "desk", "wrong guess")
    sign_in(client, settings, "desk", "wrong guess")
    assert sign_in(client, settings, "desk", PASSWORD).status_code == 302
    client.logout()
    sign_in(client, settings, "desk", "wrong guess")
    sign_in(client, settings, "desk", "wrong guess")
    assert sign_in(client, settings, "desk", PASSWORD).status_code == 302


def test_admin_session_expires(client, settings, editor):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    settings.SESSION_COOKIE_AGE = 3600
    # Without "remember me" the cookie ends with the browser...
    assert sign_in(client, settings, "desk", PASSWORD).status_code == 302
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""
    # ...and either way the session stored on the server ends after SESSION_COOKIE_AGE.
    stored = Session.objects.get(session_key=client.session.session_key)
    lifetime = (stored.expire_date - timezone.now()).total_seconds()
    assert 3500 < lifetime <= 3600

    client.logout()
    response = client.post(
        f"/{settings.DATELINE_ADMIN_PATH}login/",
        {"username": "desk", "password": PASSWORD, "remember": "on"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 3600
    assert cookie["httponly"] is True


def test_behind_the_proxy_lockouts_follow_the_reader_not_the_proxy(client, settings, editor):
    settings.DATELINE_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(
            f"/{settings.DATELINE_ADMIN_PATH}login/",
            {"username": "desk", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    other_reader = client.post(
        f"/{settings.DATELINE_ADMIN_PATH}login/",
        {"username": "desk", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert other_reader.status_code == 302


def test_without_a_proxy_a_forged_forwarded_address_does_not_escape_the_lockout(
    client, settings, editor
):
    """No TRUSTED_PROXIES: a client on loopback cannot pick a new address per guess."""
    settings.DATELINE_TRUSTED_PROXIES = []
    settings.AXES_FAILURE_LIMIT = 2
    for forged in ("203.0.113.9", "203.0.113.10"):
        client.post(
            f"/{settings.DATELINE_ADMIN_PATH}login/",
            {"username": "desk", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forged,
        )
    again = client.post(
        f"/{settings.DATELINE_ADMIN_PATH}login/",
        {"username": "desk", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert again.status_code == 429
    assert text(parse(again).h1) == "Too many failed sign-ins"
    # The lockout is on the socket's address: another machine still signs in.
    elsewhere = sign_in(client, settings, "desk", PASSWORD, ip="198.51.100.20")
    assert elsewhere.status_code == 302


def test_test_client_login_still_works(client, editor):
    # Sign-ins without a request (tests, management commands) are not refused.
    assert client.login(username="desk", password=PASSWORD)
