"""Where the checks meet the editor: on save, on preview, before publishing,
in the Checks side panel, and in the page's audit log."""

from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.models import Page

from dateline.news.models import ArticlePage

from . import views
from .admin_api import CheckedPagesAdminAPIViewSet
from .publishing import (
    BLOCKED_ACTION,
    HELD_ACTION,
    blocking_findings,
    describe,
    fix_or_dismiss,
    record_refusal,
)
from .runner import DISMISS_ACTION, run_checks


@hooks.register("insert_global_admin_css")
def checks_panel_styles():
    return format_html('<link rel="stylesheet" href="{}">', static("editorial_checks/checks.css"))


@hooks.register("register_admin_urls")
def register_checks_urls():
    return [path("editorial-checks/", include((views.urlpatterns, "editorial_checks")))]


@hooks.register("register_log_actions")
def register_log_actions(actions):
    @actions.register_action(DISMISS_ACTION)
    class DismissalFormatter(LogFormatter):
        label = "Dismiss editorial check"

        def format_message(self, log_entry):
            data = log_entry.data
            return (
                f"Dismissed “{data.get('rule', data.get('code'))}” on {data.get('field')} "
                f"(“{data.get('span', '')}”). Reason: {data.get('reason')}"
            )

    class RefusalFormatter(LogFormatter):
        outcome = ""

        def format_message(self, log_entry):
            findings = log_entry.data.get("findings", [])
            listed = "; ".join(f"{item['label']}: {item['rule']}" for item in findings)
            return f"{self.outcome}; blocking editorial checks: {listed}"

    @actions.register_action(BLOCKED_ACTION)
    class BlockedFormatter(RefusalFormatter):
        label = "Publishing stopped by editorial checks"
        outcome = "Not published"

    @actions.register_action(HELD_ACTION)
    class HeldFormatter(RefusalFormatter):
        label = "Scheduled publishing held by editorial checks"
        outcome = "Due but not published, still scheduled"


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
    """The editor's Publish button (edit page, new page, an old version from
    the history) runs Wagtail's publish action itself, so it is checked here
    rather than in ArticlePage.publish. The draft is already saved as a
    revision, so nothing the editor wrote is lost; only going live waits."""
    if not isinstance(page, ArticlePage):
        return None
    findings = blocking_findings(page)
    if not findings:
        return None
    record_refusal(page, page.latest_revision, findings, user=request.user)
    messages.error(
        request,
        f"Not published: {describe(findings)}. "
        f"Your changes are saved as a draft; {fix_or_dismiss(findings)}.",
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))


@hooks.register("before_bulk_action")
def stop_bulk_publishing_on_blocking_findings(request, action_type, objects, action):
    """Bulk publishing from the page listing is all or nothing: Wagtail runs it
    in one transaction, so one refused article would undo the others anyway.
    Checking first lets the message name every article that is held back."""
    if action_type != "publish" or not issubclass(action.model, Page):
        return None
    pages = {page.pk: page.specific for page in objects}
    if action.cleaned_form.cleaned_data.get("include_descendants"):
        for page in objects:
            drafts = page.get_descendants().not_live().type(ArticlePage).specific()
            pages.update((draft.pk, draft) for draft in drafts)
    refused = []
    for page in pages.values():
        if not isinstance(page, ArticlePage):
            continue
        # Bulk publishing publishes the latest revision (or saves one first).
        revision = page.get_latest_revision()
        findings = blocking_findings(revision.as_object() if revision else page)
        if findings:
            record_refusal(page, revision, findings, user=request.user)
            refused.append(f"“{page.title}”: {describe(findings)}.")
    if not refused:
        return None
    messages.error(
        request,
        "Nothing was published. "
        + " ".join(refused)
        + " Fix or dismiss the findings in each article's Checks panel, or leave "
        + ngettext("that article", "those articles", len(refused))
        + " out.",
    )
    return redirect(action.next_url)


@hooks.register("construct_admin_api")
def check_publishing_through_the_admin_api(router):
    router.register_endpoint("pages", CheckedPagesAdminAPIViewSet)
