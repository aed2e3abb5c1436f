from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from . import admin_urls, permissions
from .models import LivePage


@hooks.register("register_admin_urls")
def live_desk_urls():
    return [path("live/", include(admin_urls, namespace="live_desk"))]


class LiveDeskMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("live.add_liveupdate") or request.user.has_perm(
            "live.change_coverage"
        )


@hooks.register("register_admin_menu_item")
def live_desk_menu_item():
    return LiveDeskMenuItem(
        "Live desk", reverse("live_desk:index"), icon_name="radio-full", order=150
    )


def _desk_button(page, user, priority):
    if page.specific_class is not LivePage:
        return
    if permissions.can_use_desk(user, page.specific_deferred):
        yield Button(
            "Live desk",
            reverse("live_desk:desk", args=[page.pk]),
            icon_name="radio-full",
            priority=priority,
            attrs={"aria-label": f"Post live updates to “{page.get_admin_display_title()}”"},
        )


@hooks.register("register_page_header_buttons")
def desk_header_button(page, user, view_name=None, next_url=None):
    yield from _desk_button(page, user, 5)


@hooks.register("register_page_listing_more_buttons")
def desk_listing_button(page, user, next_url=None):
    yield from _desk_button(page, user, 5)
