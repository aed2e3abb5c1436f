"""Two-factor sign-in, set up by editors themselves from their account page.

Three states, one page: off; set up but unconfirmed (the secret and its QR
code are shown, and a code from the app is asked for); on. An unconfirmed
authenticator does not count at sign-in, so a secret copied wrongly never
locks anyone out. The secret is shown only to its owner and only until a code
proves the app has it; after that it never leaves the server again. Turning it
off takes a current code or the password, and turning it on takes the password
too (both counted by the sign-in lockout), so a signed-in browser left open or
a stolen session is not enough.
"""

import re
from base64 import b32encode

import django_otp
import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from .twofactor import check_code

DEVICE_NAME = "Authenticator app"
SIX_DIGITS = re.compile(r"\d{6}")


def authenticator(user, confirmed):
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).first()


def is_on(user):
    return authenticator(user, confirmed=True) is not None


class CodeField(forms.CharField):
    """The 6-digit code an authenticator app shows; spaces ("123 456") are fine."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Code from your app")
        widget = forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"})
        super().__init__(max_length=16, widget=widget, **kwargs)

    def clean(self, value):
        code = "".join(super().clean(value).split())
        if code and not SIX_DIGITS.fullmatch(code):
            raise forms.ValidationError("Enter the 6 digits your app shows now, e.g. 123 456.")
        return code


def password_is_right(request, password):
    # Through authenticate(), so wrong guesses count towards the sign-in lockout.
    user = authenticate(request, username=request.user.get_username(), password=password)
    return user is not None and user.pk == request.user.pk


def password_field(label, **kwargs):
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        **kwargs,
    )


class ConfirmForm(forms.Form):
    code = CodeField(help_text="The app shows a new one every 30 seconds.")
    # Someone holding only a stolen session must not be able to put their own
    # app on the account and lock its owner out.
    password = password_field("Your password")

    def __init__(self, request, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.device = request, device

    def clean_code(self):
        reason = check_code(self.device, self.cleaned_data["code"])
        if reason:
            raise forms.ValidationError(reason)
        return self.cleaned_data["code"]

    def clean_password(self):
        if not password_is_right(self.request, self.cleaned_data["password"]):
            raise forms.ValidationError("That password is not right.")
        return self.cleaned_data["password"]


class TurnOffForm(forms.Form):
    code = CodeField(required=False)
    password = password_field(
        "Or your password", required=False, help_text="If you no longer have the app."
    )

    def __init__(self, request, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.device = request, device

    def clean(self):
        cleaned = super().clean()
        code, password = cleaned.get("code"), cleaned.get("password")
        if code:
            reason = check_code(self.device, code)
            if reason:
                self.add_error("code", reason)
        elif password:
            if not password_is_right(self.request, password):
                self.add_error("password", "That password is not right.")
        elif not self.errors:
            raise forms.ValidationError("Enter a code from your app, or your password.")
        return cleaned


def qr_code(url):
    """The otpauth:// address as an inline SVG QR code, drawn here: the secret goes to
    no QR service, and the page loads nothing and runs no script to show it."""
    svg = segno.make(url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR code of the key"
    )
    return mark_safe(svg)  # noqa: S308 - segno's markup: path data, no text from the user


def readable_secret(device):
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# What each state's page offers; anything else was sent from an out-of-date page.
ACTIONS = {"off": {"start"}, "pending": {"start", "confirm", "cancel"}, "on": {"turn_off"}}


@never_cache  # the page can show the secret
@require_http_methods(["GET", "POST"])
def two_factor(request):
    user, action = request.user, request.POST.get("action", "")
    here = reverse("dateline_two_factor")
    confirmed = authenticator(user, confirmed=True)
    pending = None if confirmed else authenticator(user, confirmed=False)
    state = "on" if confirmed else "pending" if pending else "off"
    if request.method == "POST" and action not in ACTIONS[state]:
        messages.error(request, "That form was out of date; this is how things stand now.")
        return redirect(here)

    if action == "start":
        TOTPDevice.objects.filter(user=user).delete()  # an earlier, abandoned setup
        TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        return redirect(here)
    if action == "cancel":
        pending.delete()
        messages.success(request, "Setup cancelled. Two-factor sign-in stays off.")
        return redirect(here)

    context = {"state": state}
    if state == "on":
        form = TurnOffForm(request, confirmed, request.POST if action else None)
        if form.is_valid():
            TOTPDevice.objects.filter(user=user).delete()
            messages.success(request, "Two-factor sign-in is off. You sign in with your password.")
            return redirect(here)
        context.update(form=form, device=confirmed)
    elif state == "pending":
        form = ConfirmForm(request, pending, request.POST if action else None)
        if form.is_valid():
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            django_otp.login(request, pending)  # this session has just shown a code
            messages.success(request, "Two-factor sign-in is on: sign-in now asks for a code.")
            return redirect(here)
        context.update(
            form=form,
            config_url=pending.config_url,
            secret=readable_secret(pending),
            qr_code=qr_code(pending.config_url),
        )
    return TemplateResponse(request, "operations/two_factor.html", context)
