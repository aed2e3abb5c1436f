"""Bulk approve / not spam / spam / trash from the moderation queue.

These never load the selected comments as objects: the ids (or, for "select
all", the queue's current filters) become one UPDATE per batch in actions.py.
"""

from django.utils.functional import cached_property, classproperty
from django.views.generic import FormView
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from . import actions
from .admin_views import matching_comments
from .models import Comment

PREVIEW_SIZE = 20


class CommentBulkAction(SnippetBulkAction):
    decision = ""
    template_name = "comments/admin/confirm_bulk.html"
    action_priority = 10

    @classproperty
    def models(cls):
        return [Comment]

    @cached_property
    def _selection(self):
        raw = self.request.GET.getlist("id")
        if "all" in raw:
            ids = list(matching_comments(self.request.GET).values_list("pk", flat=True))
        else:
            ids = [int(v) for v in raw if v.isdigit()]
            ids = list(Comment.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if not self.permission_policy.user_has_permission(self.request.user, "change"):
            return [], {"items_with_no_access": ids}
        return ids, {"items_with_no_access": []}

    def get_actionable_objects(self):
        return self._selection

    def get_context_data(self, **kwargs):
        ids, no_access = self._selection
        return {
            **FormView.get_context_data(self, **kwargs),
            "items": ids,
            "count": len(ids),
            "preview": Comment.objects.filter(pk__in=ids[:PREVIEW_SIZE]).select_related("article"),
            "more": max(0, len(ids) - PREVIEW_SIZE),
            **no_access,
            "next": self.next_url,
            "submit_url": self.request.path + "?" + self.request.META["QUERY_STRING"],
            "model_opts": Comment._meta,
            "action_label": self.display_name,
            "header_icon": "comment",
        }

    @classmethod
    def execute_action(cls, objects, **kwargs):
        request = kwargs["self"].request
        return actions.moderate(objects, cls.decision, request.user), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        label = actions.ACTIONS[self.decision][2]
        return f"{label}: {num_parent_objects:,} comment(s)."


class ApproveBulkAction(CommentBulkAction):
    display_name = "Approve"
    action_type = "approve_comments"
    aria_label = "Approve the selected comments"
    decision = "approve"


class NotSpamBulkAction(CommentBulkAction):
    display_name = "Not spam"
    action_type = "not_spam_comments"
    aria_label = "Approve the selected comments and teach the spam filter they are not spam"
    decision = "not_spam"
    action_priority = 13


class SpamBulkAction(CommentBulkAction):
    display_name = "Mark as spam"
    action_type = "spam_comments"
    aria_label = "Mark the selected comments as spam"
    decision = "spam"
    action_priority = 11


class TrashBulkAction(CommentBulkAction):
    display_name = "Move to trash"
    action_type = "trash_comments"
    aria_label = "Move the selected comments to the trash"
    decision = "trash"
    action_priority = 12
