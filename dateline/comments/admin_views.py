"""The moderation queue in the Wagtail admin: listing, filters, search, and the
per-comment moderation screen whose actions are POST-only and CSRF-protected."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from dateline.news.models import ArticlePage

from . import actions
from .models import AuthorNotificationOptIn, Comment, CommentPolicyOverride, Status

# Filter "why held" by the wording the moderation rules use.
REASON_CHOICES = [
    ("First comment from this email address", "First-time commenter"),
    ("Email address confirmed", "Email confirmed, waiting for a moderator"),
    ("links", "Too many links"),
    ("disallowed words", "Disallowed words"),
    ("Spam score", "Spam score"),
    ("Nothing showed a person took their time", "No proof of time taken (no JavaScript)"),
    ("waits for a moderator", "Pre-moderated"),
]


def search_comments(queryset, query):
    if not query:
        return queryset
    return queryset.filter(
        Q(name__icontains=query) | Q(email__icontains=query) | Q(body__icontains=query)
    )


class CommentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="All")
    article = django_filters.ModelChoiceFilter(
        queryset=ArticlePage.objects.order_by("title"), empty_label="All articles"
    )
    name = django_filters.CharFilter(label="Author name", lookup_expr="icontains")
    email = django_filters.CharFilter(label="Email", lookup_expr="iexact")
    ip_address = django_filters.CharFilter(label="IP address")
    reason = django_filters.ChoiceFilter(
        label="Why held", field_name="held_reasons", lookup_expr="icontains", choices=REASON_CHOICES
    )

    class Meta:
        model = Comment
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each status shows how many comments it holds: "Pending (12)".
        counts = dict(Comment.objects.order_by().values_list("status").annotate(n=Count("pk")))
        self.filters["status"].extra["choices"] = [
            (value, f"{label} ({counts.get(value, 0):,})") for value, label in Status.choices
        ]


def matching_comments(params):
    """The comments the queue shows for these query parameters (filters and search)."""
    filterset = CommentFilterSet(params, queryset=Comment.objects.all())
    queryset = filterset.qs if filterset.is_valid() else Comment.objects.none()
    return search_comments(queryset, params.get("q", "").strip())


class CommentColumn(Column):
    """The whole comment, as readers would see it, who wrote it and on what, and
    the decisions a moderator takes in one click: Approve and Mark as spam (each
    a POST with Django's CSRF token), or More… for everything about it."""

    cell_template_name = "comments/admin/comment_cell.html"
    ONE_CLICK = ("approve", "spam")

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["csrf_token"] = get_token(request)
        context["next"] = request.get_full_path()
        context["moderate_url"] = reverse(
            Comment.snippet_viewset.get_url_name("moderate"), args=[instance.pk]
        )
        context["decisions"] = [
            (key, actions.BUTTON_LABELS[key])
            for key in self.ONE_CLICK
            if actions.ACTIONS[key][0] != instance.status
        ]
        return context


class CommentIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("article")

    def search_queryset(self, queryset):
        return search_comments(queryset, (self.search_query or "").strip())


class ReaderWrittenPolicy(ModelPermissionPolicy):
    """Comments are written by readers on the site, never created in the admin."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "comment"
    menu_label = "Comments"
    menu_name = "comments"
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = CommentIndexView
    filterset_class = CommentFilterSet
    search_fields = ["name", "email", "body"]
    list_per_page = 50
    ordering = ["-created_at", "-pk"]
    list_display = [
        CommentColumn("body", label="Comment"),
        Column("status", label="Status", accessor="get_status_display"),
        Column("held_reason_text", label="Why held"),
        DateColumn("created_at", label="Posted"),
    ]
    # Moderators may correct a comment's text; its status changes only through
    # the moderation actions, which are logged and train the spam filter.
    panels = [FieldPanel("name"), FieldPanel("website"), FieldPanel("body")]

    @cached_property
    def menu_item_class(self):
        """The menu's "Comments" carries the number waiting for a moderator, as a badge."""
        base = super().menu_item_class

        class PendingCountMenuItem(base):
            def render_component(self, request):
                component = super().render_component(request)
                pending = Comment.objects.filter(status=Status.PENDING).count()
                if pending:
                    component.attrs = {
                        **component.attrs,
                        "data-pending-count": f"{pending:,}",
                        "aria-label": f"Comments, {pending:,} awaiting moderation",
                    }
                return component

        return PendingCountMenuItem

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("moderate/<int:pk>/", self.moderate_view, name="moderate"),
        ]

    @property
    def moderate_view(self):
        viewset = self

        @require_http_methods(["GET", "POST"])
        def view(request, pk):
            if not viewset.permission_policy.user_has_permission(request.user, "change"):
                raise PermissionDenied
            comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
            next_url = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = reverse(viewset.get_url_name("list"))
            if request.method == "POST":
                decision = request.POST.get("decision", "")
                if decision not in actions.ACTIONS:
                    messages.error(request, "Unknown moderation action.")
                    return redirect(request.get_full_path())
                actions.moderate([comment.pk], decision, request.user)
                messages.success(
                    request, f"{actions.ACTIONS[decision][2]}: comment by {comment.name}."
                )
                return redirect(next_url)
            return TemplateResponse(
                request,
                "comments/admin/moderate.html",
                {
                    "comment": comment,
                    "next": next_url,
                    "decisions": [
                        (key, actions.BUTTON_LABELS[key])
                        for key, (status, _, _) in actions.ACTIONS.items()
                        if status != comment.status and (key != "not_spam" or comment.held_as_spam)
                    ],
                    "edit_url": reverse(viewset.get_url_name("edit"), args=[comment.pk]),
                    "history_url": reverse(viewset.get_url_name("history"), args=[comment.pk]),
                },
            )

        return view


class CommentPolicyViewSet(SnippetViewSet):
    """Overrides of the site's comment policy for the front page, a section or an article."""

    model = CommentPolicyOverride
    icon = "cog"
    menu_label = "Comment policies"
    list_display = ["__str__", "comments_open", "premoderate_all", "close_after_days"]
    panels = [
        FieldPanel("page"),
        FieldPanel("comments_open"),
        FieldPanel("premoderate_all"),
        FieldPanel("verify_first_time"),
        FieldPanel("hold_link_count"),
        FieldPanel("close_after_days"),
        FieldPanel("disallowed_words"),
        FieldPanel("disallowed_action"),
    ]


class AuthorNotificationViewSet(SnippetViewSet):
    """Newsroom users who asked for mail about comments on an author's articles."""

    model = AuthorNotificationOptIn
    icon = "mail"
    menu_label = "Author comment notifications"
    list_display = ["__str__"]
    panels = [FieldPanel("author"), FieldPanel("user")]
