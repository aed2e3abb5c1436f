"""Optional TOTP two-factor sign-in for the Wagtail admin (django-otp).

An editor with a confirmed authenticator (set up on their account page, see
twofactor_setup.py, or with `dateline totp_enrol USERNAME`) must give its
current 6-digit code with their password; editors without one sign in with the
password alone. Wrong codes are throttled by django-otp (each failure doubles
the wait), and wrong passwords count towards the sign-in lockout as usual.
"""

import math

import django_otp
from django import forms
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.forms.auth import LoginForm

WRONG_CODE = (
    "That authenticator code is not right, or has expired. Wait for the next one and try again."
)


def check_code(device, code):
    """Why `code` is not the device's current one, in words for the person, or ""
    when it is (which uses it up). Every attempt goes through django-otp's throttle.
    """
    with transaction.atomic():
        # Codes are checked against the device's row, locked: two machines given
        # the same code at the same moment take turns, and the second finds it used
        # (django-otp alone reads, checks and saves without a lock).
        # The caller's own object is brought up to date, as it may save it later.
        type(device).objects.select_for_update().filter(pk=device.pk).first()
        device.refresh_from_db()
        allowed, details = device.verify_is_allowed()
        if not allowed:
            locked_until = (details or {}).get("locked_until") or timezone.now()
            wait = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
            return f"Too many wrong codes. Wait {wait} seconds, then enter the code your app shows."
        if not device.verify_token("".join(code.split())):
            return WRONG_CODE
    return ""


class TwoFactorLoginForm(LoginForm):
    """Wagtail's sign-in form (WAGTAILADMIN_USER_LOGIN_FORM) with an authenticator code."""

    otp_token = forms.CharField(
        label="Authenticator code",
        required=False,
        max_length=16,
        help_text="Only if you set up an authenticator app: the 6-digit code it shows now.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        cleaned = super().clean()  # the password first: no hint whether a code is needed
        user = self.get_user()
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
        if not devices:
            return cleaned
        token = "".join(cleaned.get("otp_token", "").split())
        if not token:
            raise ValidationError(
                "Enter the 6-digit code from your authenticator app.", code="otp_required"
            )
        reasons = []
        for device in devices:
            reason = check_code(device, token)
            if not reason:
                # Marked on the session once Django has signed the user in (below).
                self.request.dateline_otp_device = device
                return cleaned
            reasons.append(reason)
        raise ValidationError(reasons[0], code="otp_invalid")


@receiver(user_logged_in)
def mark_session_verified(sender, request, user, **kwargs):
    device = getattr(request, "dateline_otp_device", None)
    if device is not None:
        django_otp.login(request, device)
