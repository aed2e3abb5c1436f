"""Who may do what: the roles `dateline setup_roles` creates, checked as Wagtail checks them."""

from io import StringIO

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, WorkflowPage, WorkflowState
from wagtail.permissions import policy_registry

from dateline.news.models import ArticlePage
from dateline.news.tests.content import paragraph
from dateline.newsroom.roles import ROLES

# Wagtail's own policy for images, as its image views ask it.
image_policy = policy_registry.get_by_type(get_image_model())


def test_setup_roles_is_idempotent_and_replaces_wagtails_default_rights(demo_site):
    first = StringIO()
    call_command("setup_roles", stdout=first)
    assert "Reporters:" in first.getvalue()

    def snapshot():
        return {
            group.name: (
                sorted(group.permissions.values_list("codename", flat=True)),
                sorted(
                    GroupPagePermission.objects.filter(group=group).values_list(
                        "page_id", "permission__codename"
                    )
                ),
                sorted(group.collection_permissions.values_list("permission__codename", flat=True)),
            )
            for group in Group.objects.filter(name__in=[r.group_name for r in ROLES])
        }

    before = snapshot()
    call_command("setup_roles", stdout=StringIO())
    assert snapshot() == before
    assert set(before) == {"Reporters", "Editors", "Moderators", "Administrators"}
    # Wagtail's migrations gave "Moderators" publishing rights on the whole
    # tree; a comment moderator has none over pages, images or documents.
    moderator_codenames, moderator_pages, moderator_media = before["Moderators"]
    # Their rights are the admin door and the comments app's own permissions.
    comment_codenames = Permission.objects.filter(content_type__app_label="comments").values_list(
        "codename", flat=True
    )
    assert moderator_codenames == sorted(["access_admin", *comment_codenames])
    assert "moderate_comment" in moderator_codenames or "change_comment" in moderator_codenames
    assert moderator_pages == [] and moderator_media == []
    # Page rights sit on the front page only.
    assert {page for page, _ in before["Editors"][1]} == {demo_site.pk}
    assert WorkflowPage.objects.get(page=demo_site).workflow.name == "Newsroom review"


def test_what_each_role_may_do_to_an_article(make_user, summit_article, demo_image):
    reporter = make_user("rita", "reporter")
    editor = make_user("ed", "editor")
    moderator = make_user("mo", "moderator")
    admin = make_user("ada", "administrator")
    section = summit_article.get_parent()

    def rights(user, page):
        perms = page.permissions_for_user(user)
        return {
            "edit": perms.can_edit(),
            "publish": perms.can_publish(),
            "unpublish": perms.can_unpublish(),
            "add": perms.can_add_subpage(),
        }

    assert rights(reporter, summit_article) == {
        "edit": False,  # someone else's article
        "publish": False,
        "unpublish": False,
        "add": False,
    }
    assert rights(reporter, section)["add"] is True
    assert section.permissions_for_user(reporter).can_publish_subpage() is False
    assert rights(editor, summit_article) == {
        "edit": True,
        "publish": True,
        "unpublish": True,
        "add": False,  # articles have no subpages
    }
    assert rights(moderator, summit_article) == dict.fromkeys(rights(moderator, section), False)
    assert rights(admin, summit_article)["publish"] is True
    assert admin.has_perm("auth.change_user") and not editor.has_perm("auth.change_user")
    for user in (reporter, editor, moderator, admin):
        assert user.has_perm("wagtailadmin.access_admin")
    # Moderation of comments belongs to the comments app's permissions, which
    # reporters and editors never get.
    for user in (reporter, editor):
        assert not any(p.startswith("comments.") for p in user.get_all_permissions())
    # The image library: reporters upload and choose, editors also change and delete.
    assert image_policy.user_has_permission(reporter, "add")
    assert image_policy.user_has_permission(reporter, "choose")
    # ... and may delete only their own uploads, never a colleague's photo.
    assert not image_policy.user_has_permission_for_instance(reporter, "delete", demo_image)
    assert image_policy.user_has_permission_for_instance(editor, "delete", demo_image)
    assert not image_policy.user_has_permission(moderator, "choose")


def test_reporter_cannot_publish_or_reach_moderation_through_the_admin(
    client, reporter, new_article
):
    # The reporter's own draft: they may edit it, never publish it.
    article = new_article("rita-draft", "Rita's draft", [paragraph("Words.")], publish=False)
    article.owner = reporter
    article.save()
    client.force_login(reporter)
    assert client.get(f"/admin/pages/{article.pk}/edit/").status_code == 200
    # Submitted for review, the reporter cannot approve it themselves.
    state = article.get_workflow().start(article, reporter)
    task_state = state.current_task_state
    response = client.post(
        f"/admin/pages/workflow/action/{article.pk}/approve/{task_state.pk}/", {"comment": "ok"}
    )
    assert response.status_code in (302, 403)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not ArticlePage.objects.get(pk=article.pk).live
    # Account, group and workflow settings are administrators' business.
    for path in ("/admin/users/", "/admin/groups/", "/admin/workflows/list/"):
        response = client.get(path)
        assert response.status_code in (302, 403), path
    summit = ArticlePage.objects.get(slug="president-heads-north-for-skarholm-summit")
    assert client.post(f"/admin/pages/{summit.pk}/unpublish/").status_code in (302, 403)
    assert ArticlePage.objects.get(pk=summit.pk).live


def test_anonymous_readers_see_no_admin_and_no_preview(client, new_article):
    article = new_article("draft-only", "Draft only", [paragraph("Secret words.")], publish=False)
    for path in (
        f"/admin/pages/{article.pk}/edit/",
        f"/admin/pages/{article.pk}/edit/preview/",
        f"/admin/pages/{article.pk}/revisions/",
        "/admin/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], path
