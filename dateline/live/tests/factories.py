"""Live pages and the people who post to them, for the live app's tests."""

from django.contrib.auth import get_user_model

from dateline.live.models import LivePage
from dateline.news.models import ArticleAuthor, AuthorPage, SectionPage

SUMMARY = [{"type": "paragraph", "value": "<p>What we know so far about the summit.</p>"}]


def make_live_page(slug="summit-live", title="Skarholm summit: live", publish=True):
    section = SectionPage.objects.get(slug="world")
    page = LivePage(
        title=title,
        slug=slug,
        deck="Leaders meet in Skarholm for a second day of talks.",
        body=SUMMARY,
        live=False,
    )
    page.bylines = [ArticleAuthor(author=AuthorPage.objects.get(slug="tomas-okafor"))]
    section.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def make_user(username, role=None, superuser=False):
    """A user in one of the newsroom's roles (`dateline setup_roles` makes the groups)."""
    from wagtail.models import Collection

    from dateline.newsroom.roles import ROLES, apply_role, front_pages

    user = get_user_model().objects.create_user(
        username=username,
        password="correct horse battery staple",
        first_name=username.title(),
        is_superuser=superuser,
    )
    if role:
        declared = next(r for r in ROLES if r.key == role)
        user.groups.add(apply_role(declared, front_pages(), Collection.get_first_root_node()))
    return user
