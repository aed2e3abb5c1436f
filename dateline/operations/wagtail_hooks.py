"""The two-factor page in the admin, reached from the account page's "More actions"."""

from django.urls import path, reverse
from wagtail import hooks

from . import twofactor_setup


@hooks.register("register_admin_urls")
def register_two_factor_url():
    # Admin URLs are only for people with admin access (Wagtail checks it).
    return [
        path("account/two-factor/", twofactor_setup.two_factor, name="dateline_two_factor"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    on = twofactor_setup.is_on(request.user)
    return {
        "url": reverse("dateline_two_factor"),
        "label": "Two-factor sign-in",
        "help_text": "On: signing in asks for a code from your app."
        if on
        else "Off: set up an authenticator app, so a password alone cannot sign in.",
    }
