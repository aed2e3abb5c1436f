"""Turns a refused publication into a message the editor can act on.

`PublishingBlocked` is raised from inside Wagtail's own views (approving a
workflow in the editor, from the dashboard or in its modal; anything else that
calls `revision.publish()`), after their database transaction has rolled the
approval back. This catches it on its way out, records the attempt in the
page's history and sends the editor to the article, whose Checks panel lists
the findings.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from wagtail.admin.modal_workflow import render_modal_workflow

from dateline.news.models import ArticlePage

from .publishing import PublishingBlocked, describe, fix_or_dismiss, record_refusal


def refusal_message(page, findings):
    title = f"“{page.title}”: {describe(findings)}."
    if page.workflow_in_progress:
        return (
            f"Not approved: {title} It is still in review and its changes are saved; "
            f"{fix_or_dismiss(findings)}, then approve it again."
        )
    return f"Not published: {title} Its changes are saved as a draft; {fix_or_dismiss(findings)}."


class PublishingBlockedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PublishingBlocked):
            return None
        # As stored now the approval is undone, so read the page afresh.
        page = ArticlePage.objects.get(pk=exception.page.pk)
        record_refusal(page, exception.revision, exception.findings, user=request.user)
        messages.error(request, refusal_message(page, exception.findings))
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # Wagtail's workflow modal posts with XHR and follows a "success"
            # step's redirect; the message waits on the edit page.
            return render_modal_workflow(
                request, "", None, {}, json_data={"step": "success", "redirect": edit_url}
            )
        return redirect(edit_url)
