from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .actions import moderate
from .admin_views import (
    AuthorNotificationViewSet,
    CommentPolicyViewSet,
    CommentViewSet,
    ReaderWrittenPolicy,
)
from .bulk_actions import ApproveBulkAction, NotSpamBulkAction, SpamBulkAction, TrashBulkAction
from .models import Comment, Status

register_permission_policy(Comment, ReaderWrittenPolicy(Comment))
register_snippet(CommentViewSet)
register_snippet(CommentPolicyViewSet)
register_snippet(AuthorNotificationViewSet)

for action in (ApproveBulkAction, NotSpamBulkAction, SpamBulkAction, TrashBulkAction):
    hooks.register("register_bulk_action", action)


@hooks.register("register_log_actions")
def register_comment_log_actions(actions):
    actions.register_action("comments.approve", "Approve comment", "Comment approved")
    actions.register_action("comments.spam", "Mark comment as spam", "Comment marked as spam")
    actions.register_action("comments.trash", "Trash comment", "Comment moved to trash")
    actions.register_action(
        "comments.unapprove", "Return comment to queue", "Comment returned to the queue"
    )


def pending_count():
    return Comment.objects.filter(status=Status.PENDING).count()


def may_moderate(user):
    return Comment.snippet_viewset.permission_policy.user_has_permission(user, "change")


def pending_queue_url():
    return reverse(Comment.snippet_viewset.get_url_name("list")) + "?status=pending"


class PendingCommentsPanel(Component):
    """On the dashboard of whoever moderates: how many comments wait, and the way to them."""

    name = "pending_comments"
    template_name = "comments/admin/pending_panel.html"
    order = 70

    def __init__(self, count):
        self.count = count

    def get_context_data(self, parent_context):
        return {"count": self.count, "queue_url": pending_queue_url()}


@hooks.register("construct_homepage_panels")
def add_pending_comments_panel(request, panels):
    if may_moderate(request.user):
        panels.append(PendingCommentsPanel(pending_count()))


@hooks.register("insert_global_admin_css")
def moderation_styles():
    return format_html('<link rel="stylesheet" href="{}">', static("comments/admin.css"))


@hooks.register("before_delete_snippet")
def comments_go_to_the_trash(request, instances):
    """Deleting a comment is soft: it goes to the trash, which
    `purge_comment_data` erases after COMMENTS_TRASH_RETENTION_DAYS."""
    if not instances or not isinstance(instances[0], Comment):
        return None
    changed = moderate([c.pk for c in instances], "trash", request.user)
    messages.success(
        request,
        f"Moved {changed} comment(s) to the trash; they are erased after "
        f"{settings.COMMENTS_TRASH_RETENTION_DAYS} days.",
    )
    return redirect(reverse(Comment.snippet_viewset.get_url_name("list")) + "?status=trash")
