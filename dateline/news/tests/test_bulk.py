"""Pages added a batch at a time sit in the tree as `add_child` would have put them."""

import pytest
from wagtail.models import Page

from dateline.news.bulk import add_children
from dateline.news.models import ArticlePage, SectionPage

pytestmark = pytest.mark.django_db


def article(n):
    return ArticlePage(title=f"Quay note {n}", slug=f"quay-note-{n}", deck="A note.", body=[])


def test_pages_added_in_bulk_are_children_in_order_and_the_tree_stays_whole(demo_site):
    section = SectionPage.objects.get(slug="world")
    before = list(section.get_children().values_list("slug", flat=True))
    # A deleted child leaves a gap in treebeard's numbering: the new ones go after the last.
    before_last = section.get_children().last()
    section.get_children().first().delete()
    section.refresh_from_db()

    pages = add_children(section, [article(n) for n in range(5)])

    children = list(section.get_children().values_list("slug", flat=True))
    assert children == before[1:] + [f"quay-note-{n}" for n in range(5)]
    assert Page.find_problems() == ([], [], [], [], [])
    section.refresh_from_db()
    assert section.numchild == len(children)
    stored = ArticlePage.objects.get(pk=pages[2].pk)
    assert stored.url_path == f"{section.url_path}quay-note-2/"
    assert (stored.depth, stored.locale_id, stored.draft_title) == (
        4,
        section.locale_id,
        "Quay note 2",
    )
    assert stored.get_parent().pk == section.pk and stored.path > before_last.path
    # Wagtail's own add_child carries on after them.
    later = section.add_child(instance=article(9))
    assert list(section.get_children())[-1].pk == later.pk
    assert Page.find_problems() == ([], [], [], [], [])


def test_only_pages_of_one_type_inheriting_page_directly(demo_site):
    section = SectionPage.objects.get(slug="world")
    with pytest.raises(TypeError):
        add_children(section, [article(1), SectionPage(title="Mixed", slug="mixed")])
    assert add_children(section, []) == []
