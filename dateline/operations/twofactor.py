"""Optional TOTP two-factor sign-in for the Wagtail admin (django-otp).

An editor with a confirmed authenticator (enrolled with `dateline totp_enrol
USERNAME`) must give its current 6-digit code with their password; editors
without one sign in with the password alone. Wrong codes are throttled by
django-otp (each failure doubles the wait), and wrong passwords count towards
the sign-in lockout as usual.
"""

import django_otp
from django import forms
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.forms.auth import LoginForm


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
        device = next(
            (d for d in devices if d.verify_is_allowed()[0] and d.verify_token(token)), None
        )
        if device is None:
            raise ValidationError(
                "That authenticator code is not right, or has expired. Wait for the next one "
                "and try again.",
                code="otp_invalid",
            )
        # Marked on the session once Django has signed the user in (below).
        self.request.dateline_otp_device = device
        return cleaned


@receiver(user_logged_in)
def mark_session_verified(sender, request, user, **kwargs):
    device = getattr(request, "dateline_otp_device", None)
    if device is not None:
        django_otp.login(request, device)
