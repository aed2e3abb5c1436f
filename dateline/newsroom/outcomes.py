"""What an editor is told after approving, requesting changes or scheduling an article.

Wagtail says "Page '…' has been updated." after every workflow decision, with
no link, and "… scheduled for publishing." without the time. These say what
happened: published (with a link to the live page), scheduled for when (in the
newsroom's time zone), or approved and sent on to the next step, and replace
Wagtail's message for that page (the admin's message store is read and written
through Django's messages API only).
"""

from django.contrib import messages as django_messages
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.admin import messages

from dateline.news.scheduling import newsroom_time

# Wagtail's own wording for the outcomes these messages replace.
WAGTAIL_WORDING = (
    "Page '%(page_title)s' has been updated.",
    "Page '%(page_title)s' has been scheduled for publishing.",
    "Page '%(page_title)s' is live and this version has been scheduled for publishing.",
    "Page '%(page_title)s' created and scheduled for publishing.",
)


def replace_message(request, page, message, buttons=None):
    """Say `message` about `page` instead of what Wagtail said about it in this request."""
    replaced = {
        escape(_(wording) % {"page_title": page.get_admin_display_title()})
        for wording in WAGTAIL_WORDING
    }
    storage = django_messages.get_messages(request)
    kept = [m for m in storage if not any(text in str(m.message) for text in replaced)]
    # Reading the store marked every message read; the ones kept go back in.
    for message_kept in kept:
        django_messages.add_message(
            request, message_kept.level, message_kept.message, extra_tags=message_kept.extra_tags
        )
    messages.success(request, message, buttons=buttons)


def view_live(page):
    url = page.get_url()
    return [messages.button(url, "View live", new_window=False)] if url else []


def scheduled_time(page):
    revision = page.scheduled_revision
    return revision.approved_go_live_at if revision is not None else None


def after_workflow_action(request, page):
    """After an editor approved or sent back the article in its editor."""
    action = request.POST.get("workflow-action-name")
    fresh = type(page).objects.get(pk=page.pk)
    title = fresh.get_admin_display_title()
    if action == "approve":
        next_task = fresh.current_workflow_task
        go_live = scheduled_time(fresh)
        if next_task is not None:
            message = f"Approved: “{title}” is sent on to “{next_task.name}”."
            buttons = []
        elif go_live is not None:
            message = f"Approved: “{title}” is scheduled to go live on {newsroom_time(go_live)}."
            buttons = view_live(fresh) if fresh.live else []
        elif fresh.live:
            message = f"Approved and published: “{title}” is live."
            buttons = view_live(fresh)
        else:
            return
        replace_message(request, page, message, buttons)
    elif action == "reject":
        state = fresh.current_workflow_state
        who = state.requested_by if state is not None else None
        name = (who.get_full_name() or who.get_username()) if who else "its author"
        replace_message(request, page, f"Changes requested: “{title}” is back with {name}.")


def after_publish_action(request, page):
    """After Publish, when the article was scheduled rather than published."""
    fresh = type(page).objects.get(pk=page.pk)
    go_live = scheduled_time(fresh)
    if go_live is None:
        return
    title = fresh.get_admin_display_title()
    message = f"“{title}” is scheduled to go live on {newsroom_time(go_live)}."
    if fresh.live:
        message += " The version readers see now stays up until then."
    replace_message(request, page, message, view_live(fresh) if fresh.live else [])
