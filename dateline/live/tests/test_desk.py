"""The live desk's endpoints: who may do what, the editorial checks, and errors as JSON."""

import json

import pytest
from django.urls import reverse

from dateline.live import changes
from dateline.live.models import Coverage, LiveUpdate

from .factories import make_user

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def desk_post(client, page, path, **fields):
    url = f"/admin/live/{page.pk}/{path}"
    response = client.post(url, fields, **XHR)
    return response.status_code, json.loads(response.content) if response.content.startswith(
        b"{"
    ) else response.content


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_reporter_posts_and_corrects_their_own_update(client, live_page, reporter):
    signed_in(client, reporter)
    status, data = desk_post(client, live_page, "post/", text="The motorcade has arrived.")
    assert status == 200 and data["ok"] and data["state"] == "live"
    update = LiveUpdate.objects.get(pk=data["item"]["id"])
    assert update.posted_by == reporter and update.sequence == 1
    status, data = desk_post(
        client, live_page, f"updates/{update.pk}/", text="The motorcade arrived at 9:40."
    )
    assert status == 200 and "9:40" in data["item"]["html"]
    assert "Edited" in data["item"]["html"]


def test_a_reporter_may_not_touch_another_reporters_update_or_end_the_coverage(
    client, live_page, reporter, second_reporter
):
    theirs = changes.post(live_page, second_reporter, {"text": "From the hall."})
    signed_in(client, reporter)
    assert desk_post(client, live_page, f"updates/{theirs.pk}/", text="Mine now.")[0] == 403
    assert desk_post(client, live_page, f"updates/{theirs.pk}/delete/")[0] == 403
    assert desk_post(client, live_page, "state/", state="ended")[0] == 403
    assert LiveUpdate.objects.get(pk=theirs.pk).text == "From the hall."


def test_an_editor_corrects_and_deletes_anyones_update_and_ends_the_coverage(
    client, live_page, reporter, editor
):
    theirs = changes.post(live_page, reporter, {"text": "Teh talks resumed."})
    signed_in(client, editor)
    assert (
        desk_post(client, live_page, f"updates/{theirs.pk}/", text="The talks resumed.")[0] == 200
    )
    status, data = desk_post(client, live_page, f"updates/{theirs.pk}/delete/")
    assert status == 200 and data["item"]["deleted"]
    assert LiveUpdate.objects.get(pk=theirs.pk).deleted_at is not None
    status, data = desk_post(client, live_page, "state/", state="ended")
    assert status == 200 and data["state"] == "ended"
    status, data = desk_post(client, live_page, "post/", text="After the end.")
    assert status == 409 and "ended" in data["error"]


def test_people_without_the_right_are_refused(client, live_page):
    outsider = make_user("olga")  # no role
    assert client.post(f"/admin/live/{live_page.pk}/post/", {"text": "x"}, **XHR).status_code == 403
    signed_in(client, outsider)
    assert client.post(f"/admin/live/{live_page.pk}/post/", {"text": "x"}, **XHR).status_code == 403
    moderator = make_user("mona", role="moderator")
    signed_in(client, moderator)
    assert client.get(f"/admin/live/{live_page.pk}/").status_code in (302, 403)
    assert not LiveUpdate.objects.exists()


def test_field_errors_and_blocking_checks_come_back_as_json(
    client, live_page, reporter, demo_image
):
    signed_in(client, reporter)
    status, data = desk_post(client, live_page, "post/", text="   ")
    assert status == 400 and "Write some text" in data["error"]
    status, data = desk_post(client, live_page, "post/", text="", image=demo_image.pk, credit="AP")
    # A photo without alt text: the checks' blocking rule, shown at its field.
    assert status == 422
    assert any(
        f["code"] == "figure-alt-missing" and f["field"] == "image_alt" for f in data["findings"]
    )
    assert not LiveUpdate.objects.exists()
    status, data = desk_post(
        client,
        live_page,
        "post/",
        text="",
        image=demo_image.pk,
        credit="AP",
        image_alt="Delegates walk into the hall",
        caption="Delegates arrive.",
    )
    assert status == 200
    assert "Delegates walk into the hall" in data["item"]["html"]


def test_warnings_do_not_stop_an_update(client, live_page, reporter):
    signed_in(client, reporter)
    status, data = desk_post(
        client, live_page, "post/", text="We will utilise every source. See http://example.org"
    )
    assert status == 200
    codes = {warning["code"] for warning in data["warnings"]}
    assert {"house-style-words", "link-http"} <= codes


def test_the_desk_lists_changes_after_a_cursor_including_others_posts(
    client, live_page, reporter, second_reporter
):
    first = changes.post(live_page, reporter, {"text": "One."})
    changes.post(live_page, second_reporter, {"text": "Two."})
    changes.delete(first, reporter)
    signed_in(client, reporter)
    data = json.loads(client.get(f"/admin/live/{live_page.pk}/changes/?since=1", **XHR).content)
    assert [(i["id"], i["seq"], i["deleted"]) for i in data["items"]][0][1:] == (2, False)
    assert data["items"][-1]["deleted"] and data["seq"] == 3
    assert client.get(f"/admin/live/{live_page.pk}/", **XHR).status_code == 200


def test_the_heartbeat_renews_an_active_session_and_hands_out_the_csrf_token(client, reporter):
    signed_in(client, reporter)
    data = json.loads(client.get(reverse("live_desk:session") + "?active=1", **XHR).content)
    assert data["ok"] and data["csrf"]
    assert client.session["live_desk_renewed"]


def test_the_desk_screen_and_index_render(client, live_page, editor):
    signed_in(client, editor)
    page = client.get(reverse("live_desk:desk", args=[live_page.pk]))
    assert page.status_code == 200
    assert b"data-live-desk" in page.content and b'data-image-chooser="id_image"' in page.content
    index = client.get(reverse("live_desk:index"))
    assert live_page.title.encode() in index.content
    assert Coverage.objects.count() == 0  # looking changes nothing
