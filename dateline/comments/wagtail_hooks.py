from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .actions import moderate
from .admin_views import (
    AuthorNotificationViewSet,
    CommentPolicyViewSet,
    CommentViewSet,
    ReaderWrittenPolicy,
)
from .bulk_actions import ApproveBulkAction, SpamBulkAction, TrashBulkAction
from .models import Comment

register_permission_policy(Comment, ReaderWrittenPolicy(Comment))
register_snippet(CommentViewSet)
register_snippet(CommentPolicyViewSet)
register_snippet(AuthorNotificationViewSet)

for action in (ApproveBulkAction, SpamBulkAction, TrashBulkAction):
    hooks.register("register_bulk_action", action)


@hooks.register("register_log_actions")
def register_comment_log_actions(actions):
    actions.register_action("comments.approve", "Approve comment", "Comment approved")
    actions.register_action("comments.spam", "Mark comment as spam", "Comment marked as spam")
    actions.register_action("comments.trash", "Trash comment", "Comment moved to trash")
    actions.register_action(
        "comments.unapprove", "Return comment to queue", "Comment returned to the queue"
    )


@hooks.register("register_snippet_listing_buttons")
def moderate_button(snippet, user, next_url=None):
    if isinstance(snippet, Comment):
        url = reverse(Comment.snippet_viewset.get_url_name("moderate"), args=[snippet.pk])
        button = Button(
            "Moderate",
            url=url,
            icon_name="comment",
            priority=5,
            attrs={"aria-label": f"Moderate comment #{snippet.pk}"},
        )
        # The queue's main action sits on the row, not in the "More" menu.
        button.allow_in_dropdown = False
        yield button


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
