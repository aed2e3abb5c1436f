"""Where the checks meet the editor: on save, on preview, before publishing,
in the Checks side panel, and in the page's audit log."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from dateline.news.models import ArticlePage

from . import views
from .runner import DISMISS_ACTION, run_checks


@hooks.register("register_admin_urls")
def register_checks_urls():
    return [path("editorial-checks/", include((views.urlpatterns, "editorial_checks")))]


@hooks.register("register_log_actions")
def register_dismissal_action(actions):
    @actions.register_action(DISMISS_ACTION)
    class DismissalFormatter(LogFormatter):
        label = "Dismiss editorial check"

        def format_message(self, log_entry):
            data = log_entry.data
            return (
                f"Dismissed “{data.get('rule', data.get('code'))}” on {data.get('field')} "
                f"(“{data.get('span', '')}”). Reason: {data.get('reason')}"
            )


def summary(report):
    count, blocking = len(report.open), len(report.blocking)
    text = ngettext(
        "Editorial checks: %(count)d open finding",
        "Editorial checks: %(count)d open findings",
        count,
    ) % {"count": count}
    if blocking:
        text += ngettext(
            ", %(count)d of which blocks publishing",
            ", %(count)d of which block publishing",
            blocking,
        ) % {"count": blocking}
    return text + ". See the Checks panel."


def after_save(request, page):
    # Autosave asks for JSON and shows no messages; the next page load would.
    if "application/json" in request.headers.get("Accept", ""):
        return
    if isinstance(page, ArticlePage):
        report = run_checks(page)
        if report.open:
            messages.warning(request, summary(report))


hooks.register("after_edit_page", after_save)
hooks.register("after_create_page", after_save)


@hooks.register("before_publish_page")
def stop_publishing_on_blocking_findings(request, page):
    """The draft is already saved as a revision here, so nothing the editor
    wrote is lost; only going live waits until the findings are dealt with."""
    if not isinstance(page, ArticlePage):
        return None
    blocking = run_checks(page).blocking
    if not blocking:
        return None
    listed = "; ".join(f"{item.location.label}: {item.rule}" for item in blocking[:5])
    messages.error(
        request,
        ngettext(
            "Not published: %(count)d finding blocks publishing (%(listed)s). "
            "Your changes are saved as a draft; fix or dismiss the finding in the Checks panel.",
            "Not published: %(count)d findings block publishing (%(listed)s). "
            "Your changes are saved as a draft; fix or dismiss them in the Checks panel.",
            len(blocking),
        )
        % {"count": len(blocking), "listed": listed},
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
