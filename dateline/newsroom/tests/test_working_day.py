"""An editor's working day in the admin, through its own views with the test client:
starting an article, the main button, scheduling, and what an editor is told."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission

from dateline.news.models import ArticlePage, AuthorPage, SectionPage
from dateline.news.tests.html import parse, text

from .admin_forms import article_form, paragraph

WORLD_ADD = "/admin/pages/add/news/articlepage/{}/"


def main_button(page):
    """The footer's main button: the one an editor presses without opening a menu."""
    return page.select_one("footer .w-dropdown-button > button, footer nav > button")


def messages_of(page):
    """What Wagtail shows at the top of the page, but the editorial checks' summary."""
    return [
        text(m) for m in page.select(".messages li") if not text(m).startswith("Editorial checks")
    ]


def draft_of(title, slug, **extra):
    tomas = AuthorPage.objects.get(slug="tomas-okafor")
    return dict(
        title=title,
        slug=slug,
        deck="The last six keepers want the automation plan delayed.",
        authors=[tomas],
        body=[paragraph("<p>The keepers voted on Monday to stop work for a week.</p>")],
        **extra,
    )


# Starting


def test_new_article_is_one_click_from_the_dashboard_then_its_section(client, reporter, make_user):
    client.force_login(reporter)
    dashboard = parse(client.get("/admin/"))
    start = dashboard.select_one("#start-writing-section a.button")
    assert text(start) == "New article"
    chooser = parse(client.get(start["href"]))
    choices = {text(a.strong): a["href"] for a in chooser.select(".newsroom-section")}
    sections = {s.title: s.pk for s in SectionPage.objects.all()}
    assert choices == {title: WORLD_ADD.format(pk) for title, pk in sections.items()}
    assert client.get(choices["Politics"]).status_code == 200
    # The same from the main menu, on every admin page.
    assert "New article" in client.get("/admin/images/").content.decode()

    # Moderators write no articles, and are not offered to.
    client.force_login(make_user("mo", "moderator"))
    assert parse(client.get("/admin/")).select_one("#start-writing-section") is None


def test_with_one_section_to_write_in_new_article_opens_the_editor_at_once(
    client, django_user_model, demo_site
):
    world = SectionPage.objects.get(slug="world")
    stringer = django_user_model.objects.create_user("sam", "sam@example.org", "x" * 16)
    group = Group.objects.create(name="World stringers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group, page=world, permission=Permission.objects.get(codename="add_page")
    )
    stringer.groups.add(group)
    client.force_login(stringer)
    response = client.get(reverse("newsroom:new_article"))
    assert response.status_code == 302 and response["Location"] == WORLD_ADD.format(world.pk)


def test_publish_is_the_main_button_for_editors_and_approve_while_in_review(
    client, reporter, editor, demo_site
):
    world = SectionPage.objects.get(slug="world")
    client.force_login(editor)
    new = parse(client.get(WORLD_ADD.format(world.pk)))
    assert main_button(new)["name"] == "action-publish"

    client.force_login(reporter)
    form = parse(client.get(WORLD_ADD.format(world.pk)))
    assert text(main_button(form)) == "Save draft"
    assert form.select_one("button[name=action-publish]") is None
    client.post(
        WORLD_ADD.format(world.pk),
        article_form(**draft_of("Keepers strike", "keepers-strike"), **{"action-submit": "1"}),
    )
    article = ArticlePage.objects.get(slug="keepers-strike")

    client.force_login(editor)
    review = parse(client.get(f"/admin/pages/{article.pk}/edit/"))
    assert main_button(review)["data-workflow-action-name"] == "approve"
    assert text(main_button(review)) == "Approve and Publish"


# Scheduling


@pytest.fixture
def oslo(settings):
    settings.TIME_ZONE = "Europe/Oslo"
    return ZoneInfo("Europe/Oslo")


def test_scheduling_is_one_input_to_the_minute_in_the_newsroom_time_zone(
    client, editor, demo_site, oslo
):
    world = SectionPage.objects.get(slug="world")
    client.force_login(editor)
    form = parse(client.get(WORLD_ADD.format(world.pk)))
    publish_at = form.select_one("input[name=publish_at]")
    assert (publish_at["type"], publish_at["step"]) == ("datetime-local", "60")
    assert "Europe/Oslo" in text(publish_at.find_parent(attrs={"data-field-wrapper": True}))
    assert form.select_one("#schedule-publishing-dialog") is None  # no second way to do it
    assert "Set schedule" not in text(form)

    day = timezone.localtime(timezone.now(), oslo).date() + timedelta(days=2)
    typed = f"{day:%Y-%m-%d}T14:37"
    response = client.post(
        WORLD_ADD.format(world.pk),
        {
            **article_form(**draft_of("Keepers strike", "keepers-strike")),
            "publish_at": typed,
            "action-publish": "1",
        },
        follow=True,
    )
    article = ArticlePage.objects.get(slug="keepers-strike")
    go_live = article.scheduled_revision.approved_go_live_at
    assert timezone.localtime(go_live, oslo).strftime("%Y-%m-%dT%H:%M") == typed
    assert not article.live
    when = f"{day.day} {day:%b %Y}, 14:37 CET"
    assert messages_of(parse(response)) == [f"“Keepers strike” is scheduled to go live on {when}."]

    # The section's page listing says when.
    listing = parse(client.get(f"/admin/pages/{world.pk}/"))
    row = next(r for r in listing.select("tbody tr") if "Keepers strike" in text(r))
    assert f"scheduled for {when}" in text(row)
    # And the editor shows it as it was typed, with no second way to change it
    # (Wagtail's "Edit schedule" dialog) in the Status panel.
    edit = parse(client.get(f"/admin/pages/{article.pk}/edit/"))
    assert edit.select_one("input[name=publish_at]")["value"] == typed
    toggles = [text(b) for b in edit.select("[data-a11y-dialog-show], [data-w-dialog-target]")]
    assert not any("schedule" in label.lower() for label in toggles)
    assert edit.select_one("#schedule-publishing-dialog") is None


# After a decision


def submit(client, reporter, slug="keepers-strike"):
    world = SectionPage.objects.get(slug="world")
    client.force_login(reporter)
    client.post(
        WORLD_ADD.format(world.pk),
        article_form(**draft_of("Keepers strike", slug), **{"action-submit": "1"}),
        follow=True,  # the reporter reads the message meant for them
    )
    return ArticlePage.objects.get(slug=slug)


def approve(client, editor, article, **extra):
    client.force_login(editor)
    bylines = list(article.bylines.values_list("pk", flat=True))
    return client.post(
        f"/admin/pages/{article.pk}/edit/",
        article_form(
            **draft_of("Keepers strike", article.slug),
            existing_bylines=bylines,
            **{"action-workflow-action": "true", "workflow-action-name": "approve"},
            **extra,
        ),
        follow=True,
    )


def test_approving_says_it_is_published_and_links_to_the_live_page(client, reporter, editor):
    article = submit(client, reporter)
    page = parse(approve(client, editor, article))
    assert messages_of(page) == ["Approved and published: “Keepers strike” is live. View live"]
    link = page.select_one(".messages a")
    assert link["href"] == "/world/keepers-strike/"
    assert client.get(link["href"]).status_code == 200


def test_approving_with_a_publish_time_says_when(client, reporter, editor):
    article = submit(client, reporter)
    go_live = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    page = parse(approve(client, editor, article, go_live_at=go_live))
    local = timezone.localtime(go_live, ZoneInfo("UTC"))
    when = f"{local.day} {local:%b %Y, %H:%M} UTC"
    assert messages_of(page) == [f"Approved: “Keepers strike” is scheduled to go live on {when}."]


def test_requesting_changes_says_who_has_it_now(client, reporter, editor):
    article = submit(client, reporter)
    client.force_login(editor)
    bylines = list(article.bylines.values_list("pk", flat=True))
    response = client.post(
        f"/admin/pages/{article.pk}/edit/",
        article_form(
            **draft_of("Keepers strike", article.slug),
            existing_bylines=bylines,
            **{
                "action-workflow-action": "true",
                "workflow-action-name": "reject",
                "workflow-action-extra-data": '{"comment": "Name the union."}',
            },
        ),
        follow=True,
    )
    assert messages_of(parse(response)) == [
        "Changes requested: “Keepers strike” is back with rita."
    ]


# Accounts


def test_an_editor_with_no_email_address_is_told_on_the_dashboard(client, make_user):
    editor = make_user("noemail", "editor")
    editor.email = ""
    editor.save()
    client.force_login(editor)
    panel = parse(client.get("/admin/")).select_one("#email-missing-section")
    assert "no email address" in text(panel)
    assert panel.select_one(".help-block a")["href"] == reverse("wagtailadmin_account")

    editor.email = "noemail@newsroom.example"
    editor.save()
    assert parse(client.get("/admin/")).select_one("#email-missing-section") is None
