"""The live desk: the posting screen in the admin, and the JSON it posts to by fetch.

The screen stays open for hours. It posts with fetch and never reloads:
every answer is JSON, errors included (which field, which check, why), so
the reporter's text is never lost to an error page. `session/` answers the
screen's heartbeat: it hands out the current CSRF token (a sign-in in
another tab changes it) and, while the reporter is active, renews the
session so it does not end mid-story.
"""

import time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from wagtail.images.shortcuts import get_rendition_or_not_found

from dateline.news.models import AuthorPage

from . import changes, permissions
from .checks import check_update, findings_json
from .forms import UpdateForm
from .models import Coverage, LivePage, LiveUpdate
from .widgets import image_chooser_html

# How often an active desk renews the session (seconds).
SESSION_RENEW_SECONDS = 300


def _page(request, page_id):
    page = get_object_or_404(LivePage.objects.select_related("coverage"), pk=page_id)
    if not permissions.can_use_desk(request.user, page):
        raise PermissionDenied
    return page


def _error(message, status, **extra):
    return JsonResponse({"ok": False, "error": message, **extra}, status=status)


def desk_item(update, user):
    """One update as the desk shows and edits it."""
    item = {
        "id": update.pk,
        "seq": update.sequence,
        "deleted": update.is_deleted,
        "can_edit": permissions.can_edit(user, update),
        "can_delete": permissions.can_delete(user, update),
    }
    if update.is_deleted:
        return item
    image = None
    if update.image is not None:
        preview = get_rendition_or_not_found(update.image, "max-165x165")
        image = {
            "id": update.image.pk,
            "title": update.image.title,
            "preview": {"url": preview.url, "width": preview.width, "height": preview.height},
        }
    item.update(
        html=changes.render_update(update),
        posted_by=(update.posted_by.get_full_name() or update.posted_by.get_username())
        if update.posted_by
        else "",
        fields={
            "title": update.title,
            "text": update.text,
            "image_alt": update.image_alt,
            "caption": update.caption,
            "credit": update.credit,
            "quote": update.quote,
            "quote_source": update.quote_source,
            "key_event": update.key_event,
            "pinned": update.pinned,
            "authors": [author.pk for author in update.author_list],
        },
        image=image,
    )
    return item


def _state(page):
    coverage = Coverage.objects.filter(page=page).first() or Coverage(page=page)
    return {"state": coverage.state, "seq": coverage.sequence}


@require_GET
def desk(request, page_id):
    page = _page(request, page_id)
    section_authors = [author.pk for author in page.authors]
    authors = sorted(
        AuthorPage.objects.live().only("pk", "title"),
        key=lambda author: (author.pk not in section_authors, author.title),
    )
    return TemplateResponse(
        request,
        "live/admin/desk.html",
        {
            "page": page,
            "coverage": page.coverage_state,
            "authors": authors,
            "can_post": permissions.can_post(request.user, page),
            "can_set_state": permissions.can_set_state(request.user, page),
            "image_chooser": image_chooser_html("image"),
            "urls": {
                "changes": reverse("live_desk:changes", args=[page.pk]),
                "post": reverse("live_desk:post", args=[page.pk]),
                "edit": reverse("live_desk:edit", args=[page.pk, 0]),
                "delete": reverse("live_desk:delete", args=[page.pk, 0]),
                "state": reverse("live_desk:state", args=[page.pk]),
                "session": reverse("live_desk:session"),
            },
            "text_help": LiveUpdate._meta.get_field("text").help_text,
        },
    )


@require_GET
def desk_changes(request, page_id):
    """Every update changed after `since` (0: all), as the desk shows them."""
    page = _page(request, page_id)
    since = request.GET.get("since", "0")
    if not since.isdigit():
        return _error("since must be a number", 400)
    rows = (
        LiveUpdate.objects.filter(page=page, sequence__gt=int(since))
        .for_display()
        .order_by("sequence")
    )
    return JsonResponse(
        {"ok": True, **_state(page), "items": [desk_item(u, request.user) for u in rows]}
    )


def _submitted(request, page, instance=None):
    """The cleaned form, or an error response naming each field and each blocking check."""
    form = UpdateForm(request.POST, instance=instance)
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        message = " ".join(errors.pop("__all__", [])) or "Some fields need attention."
        return None, _error(message, 400, fields=errors)
    report = check_update(page, form.cleaned_data)
    findings = findings_json(report)
    if report.blocking:
        return None, _error(
            "The editorial checks stopped this update: "
            + " ".join(item.rule for item in report.blocking),
            422,
            findings=findings,
        )
    return (form, findings), None


@require_POST
def post_update(request, page_id):
    page = _page(request, page_id)
    if not permissions.can_post(request.user, page):
        return _error("You may not post updates.", 403)
    submitted, error = _submitted(request, page)
    if error:
        return error
    form, findings = submitted
    try:
        update = changes.post(
            page, request.user, form.update_fields(), form.cleaned_data["authors"]
        )
    except changes.CoverageEnded as ended:
        return _error(str(ended), 409)
    update = LiveUpdate.objects.for_display().get(pk=update.pk)
    return JsonResponse(
        {"ok": True, "item": desk_item(update, request.user), "warnings": findings, **_state(page)}
    )


def _update(request, page, update_id):
    update = get_object_or_404(LiveUpdate.objects.select_related("page"), pk=update_id, page=page)
    if update.is_deleted:
        raise Http404("This update was deleted")
    return update


@require_POST
def edit_update(request, page_id, update_id):
    page = _page(request, page_id)
    update = _update(request, page, update_id)
    if not permissions.can_edit(request.user, update):
        return _error("You may correct only your own updates.", 403)
    submitted, error = _submitted(request, page, instance=LiveUpdate.objects.get(pk=update.pk))
    if error:
        return error
    form, findings = submitted
    try:
        update = changes.edit(
            update, request.user, form.update_fields(), form.cleaned_data["authors"]
        )
    except LiveUpdate.DoesNotExist:
        return _error("This update was deleted meanwhile.", 409)
    update = LiveUpdate.objects.for_display().get(pk=update.pk)
    return JsonResponse(
        {"ok": True, "item": desk_item(update, request.user), "warnings": findings, **_state(page)}
    )


@require_POST
def delete_update(request, page_id, update_id):
    page = _page(request, page_id)
    update = _update(request, page, update_id)
    if not permissions.can_delete(request.user, update):
        return _error("You may delete only your own updates.", 403)
    update = changes.delete(update, request.user)
    return JsonResponse({"ok": True, "item": desk_item(update, request.user), **_state(page)})


@require_POST
def set_state(request, page_id):
    page = _page(request, page_id)
    if not permissions.can_set_state(request.user, page):
        return _error("Only an editor may start or end the coverage.", 403)
    state = request.POST.get("state")
    if state not in {Coverage.LIVE, Coverage.ENDED}:
        return _error("Choose live or ended.", 400)
    with transaction.atomic():
        changes.set_state(page, state, request.user)
    return JsonResponse({"ok": True, **_state(page)})


@require_GET
def session(request):
    """The heartbeat: a fresh CSRF token, and the session renewed while the desk is in use."""
    if request.GET.get("active") == "1":
        renewed = request.session.get("live_desk_renewed", 0)
        if time.time() - renewed > SESSION_RENEW_SECONDS:
            # Any change saves the session with a new expiry (SESSION_COOKIE_AGE from now).
            request.session["live_desk_renewed"] = int(time.time())
    return JsonResponse(
        {
            "ok": True,
            "csrf": get_token(request),
            "user": request.user.get_full_name() or request.user.get_username(),
            "expires_in": request.session.get_expiry_age(),
        }
    )


@require_GET
def desk_index(request):
    """Every live page this user may work on, coverage running first."""
    pages = LivePage.objects.select_related("coverage").order_by("-latest_revision_created_at")
    rows = [page for page in pages if permissions.can_use_desk(request.user, page)]
    order = {Coverage.LIVE: 0, Coverage.UPCOMING: 1, Coverage.ENDED: 2}
    rows.sort(key=lambda page: order[page.coverage_state.state])
    return TemplateResponse(request, "live/admin/index.html", {"pages": rows})
