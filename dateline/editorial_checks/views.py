"""Admin views: dismissing a finding with a reason, and checking the unsaved
form the preview panel last received."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail.admin.views.pages.preview import PreviewOnEditView
from wagtail.models import Page

from dateline.news.models import ArticlePage

from .runner import dismiss, run_checks


class DismissForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Kept in the page's history, with your name.",
    )


def editable_article(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, ArticlePage):
        raise Http404("Editorial checks run on articles only")
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def dismiss_finding(request, page_id, fingerprint):
    page = editable_article(request, page_id)
    item = run_checks(page.get_latest_revision_as_object()).find(fingerprint)
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    if item is None:
        messages.warning(request, "That finding is no longer reported; the text may have changed.")
        return redirect(edit_url)
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dismiss(page, fingerprint, form.cleaned_data["reason"], request.user)
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(request, f"Dismissed: {item.rule}")
            return redirect(edit_url)
    return TemplateResponse(
        request,
        "editorial_checks/dismiss.html",
        {"page": page, "item": item, "form": form, "edit_url": edit_url},
    )


class PreviewChecksView(PreviewOnEditView):
    """The findings for what the editor has typed but not saved.

    The preview panel posts the form to Wagtail's preview view as the editor
    types; this reads the same stored form state and checks it.
    """

    def get(self, request, *args, **kwargs):
        if not isinstance(self.object, ArticlePage):
            raise Http404("Editorial checks run on articles only")
        form = self.get_form(self._get_form_data(self._get_form_state()))
        if self.validate_form(form):
            form.save(commit=False)
        return TemplateResponse(
            request,
            "editorial_checks/findings.html",
            {"report": run_checks(self.object), "page": self.object, "unsaved": True},
        )


urlpatterns = [
    path("<int:page_id>/dismiss/<str:fingerprint>/", dismiss_finding, name="dismiss"),
    path("<int:page_id>/preview/", PreviewChecksView.as_view(), name="preview"),
]
