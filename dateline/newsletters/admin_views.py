"""The newsroom's side: newsletters, issues (composed, previewed, tested, sent), sends."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import tasks
from .checks import report_for
from .models import Issue, Newsletter, Send, Subscription

SEND_PERMISSION = "newsletters.send_issue"


class NewsletterViewSet(SnippetViewSet):
    model = Newsletter
    icon = "mail"
    menu_label = "Newsletters"
    list_display = [
        "name",
        "schedule",
        Column("confirmed_count", label="Confirmed readers"),
        "active",
    ]


class SendForm(forms.Form):
    when = forms.ChoiceField(
        choices=[("now", "Send now"), ("later", "Schedule")], widget=forms.RadioSelect
    )
    scheduled_for = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="In the site's time zone.",
    )
    recipients = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("when") == "later":
            moment = data.get("scheduled_for")
            if moment is None or moment <= timezone.now():
                self.add_error("scheduled_for", "Choose a moment in the future.")
        return data


class IssueViewSet(SnippetViewSet):
    model = Issue
    icon = "doc-full-inverse"
    menu_label = "Issues"
    list_display = ["subject", "newsletter", DateColumn("updated_at", label="Edited")]
    list_filter = ["newsletter"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("send/<int:pk>/", self.send_view, name="send"),
            path("test/<int:pk>/", self.test_view, name="test"),
        ]

    @property
    def send_view(self):
        viewset = self

        @require_http_methods(["GET", "POST"])
        def view(request, pk):
            if not request.user.has_perm(SEND_PERMISSION):
                raise PermissionDenied
            issue = get_object_or_404(Issue.objects.select_related("newsletter"), pk=pk)
            count = Subscription.objects.receiving(issue.newsletter).count()
            form = SendForm(request.POST or None, initial={"when": "now", "recipients": count})
            report = report_for(issue)
            if request.method == "POST" and form.is_valid():
                if form.cleaned_data["recipients"] != count:
                    messages.warning(
                        request, f"The list changed: it now has {count:,} readers. Confirm again."
                    )
                    form = SendForm(initial={"when": "now", "recipients": count})
                elif report.blocking:
                    messages.error(request, "The editorial checks hold this issue: fix it first.")
                else:
                    later = form.cleaned_data["when"] == "later"
                    moment = form.cleaned_data["scheduled_for"] if later else timezone.now()
                    with transaction.atomic():
                        Send.objects.create(
                            issue=issue, scheduled_for=moment, created_by=request.user
                        )
                    when = f"at {timezone.localtime(moment):%d %b %Y %H:%M}" if later else "now"
                    messages.success(
                        request, f"“{issue.subject}” goes to {count:,} readers {when}."
                    )
                    return redirect(reverse(Send.snippet_viewset.get_url_name("list")))
            return TemplateResponse(
                request,
                "newsletters/admin/send.html",
                {
                    "issue": issue,
                    "count": count,
                    "form": form,
                    "report": report,
                    "test_url": reverse(viewset.get_url_name("test"), args=[issue.pk]),
                    "edit_url": reverse(viewset.get_url_name("edit"), args=[issue.pk]),
                },
            )

        return view

    @property
    def test_view(self):
        viewset = self

        @require_POST
        def view(request, pk):
            if not viewset.permission_policy.user_has_permission(request.user, "change"):
                raise PermissionDenied
            issue = get_object_or_404(Issue, pk=pk)
            if not request.user.email:
                messages.error(request, "Your account has no email address to send the test to.")
            else:
                tasks.send_test.enqueue(issue.pk, request.user.email)
                messages.success(request, f"A test copy is on its way to {request.user.email}.")
            return redirect(
                request.POST.get("next") or reverse(viewset.get_url_name("send"), args=[pk])
            )

        return view


class SendViewSet(SnippetViewSet):
    model = Send
    icon = "date"
    menu_label = "Sends"
    list_display = [
        "issue",
        Column("state", label="State", accessor="get_state_display"),
        DateColumn("scheduled_for", label="When"),
        Column("recipients", label="Readers"),
        Column("queued", label="Queued", accessor=lambda s: s.counts()["queued"]),
        Column("sent", label="Sent", accessor=lambda s: s.counts()["sent"]),
        Column("failed", label="Failed", accessor=lambda s: s.counts()["failed"]),
        Column("bounced", label="Bounced", accessor=lambda s: s.counts()["bounced"]),
        Column(
            "unsubscribed",
            label="Unsubscribed after",
            accessor=lambda s: s.counts()["unsubscribed"],
        ),
    ]
    list_filter = ["state"]
    # A send is made by "Send…" on an issue; here it can only be cancelled before it starts.
    panels = []


class NewslettersGroup(SnippetViewSetGroup):
    menu_label = "Newsletters"
    menu_icon = "mail"
    menu_order = 260
    items = (IssueViewSet, SendViewSet, NewsletterViewSet)
