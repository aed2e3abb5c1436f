"""Each framework internal Dateline relies on still behaves as its adapter says.

These fail loudly when an upgrade moves one, naming the adapter to change:
the rest of Dateline would otherwise fail in a less obvious place (a query
more per page, a site looked up on every request, a slower render).
"""

import pytest
from django.template import engines
from django.test import RequestFactory
from wagtail.images import get_image_model
from wagtail.images.templatetags.wagtailimages_tags import PictureNode
from wagtail.models import Page, Site

from dateline.adapters import django as django_adapter
from dateline.adapters import wagtail as wagtail_adapter


def test_django_raw_host_is_the_host_header_unchecked(settings):
    settings.ALLOWED_HOSTS = ["only.example"]
    request = RequestFactory().get("/", HTTP_HOST="elsewhere.example:8080")
    assert django_adapter.raw_host(request) == "elsewhere.example:8080"


def test_wagtail_finds_a_site_afresh_and_takes_the_one_set_on_a_request(
    demo_site, django_assert_num_queries
):
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    site = wagtail_adapter.find_site(request)
    assert site == Site.objects.get(is_default_site=True)
    assert not wagtail_adapter.has_request_site(request)  # the lookup kept nothing

    stand_in = Site(hostname="remembered.example", root_page=site.root_page)
    wagtail_adapter.set_request_site(request, stand_in)
    assert wagtail_adapter.has_request_site(request)
    with django_assert_num_queries(0):
        assert Site.find_for_request(request) is stand_in


def test_treebeard_takes_a_parent_handed_to_a_page(demo_site, django_assert_num_queries):
    page = Page.objects.get(depth=3, slug="world")
    stand_in = Page(title="Handed over", path=page.path[:-4], depth=2)
    wagtail_adapter.set_cached_parent(page, stand_in)
    with django_assert_num_queries(0):
        assert page.get_parent() is stand_in
    assert wagtail_adapter.cached_parent(page) is stand_in


def test_wagtail_picture_node_builds_its_filters_where_ours_keeps_them(demo_site):
    assert callable(getattr(PictureNode, "get_filters", None)), "PictureNode.get_filters moved"
    template = engines["django"].from_string(
        "{% load news_images %}{% picture image width-{200,400} format-{webp,jpeg} %}"
    )
    node = template.template.nodelist[-1]
    assert isinstance(node, wagtail_adapter.PictureKeepingFilters)
    first = node.get_filters()
    assert first and node.get_filters() is first
    specs = [f.spec for f in first]
    assert len(specs) == 4 and all("width-" in spec and "format-" in spec for spec in specs)


@pytest.mark.parametrize("name", ["_find_for_request"])
def test_the_private_names_still_exist(name):
    assert hasattr(Site, name), f"Site.{name} moved: update dateline/adapters/wagtail.py"


def test_treebeard_paths_for_children_created_in_bulk(demo_site):
    section = Page.objects.get(depth=3, slug="world")
    nth = section.numchild + 1
    made = section.add_child(instance=Page(title="Made one by one", slug="one-by-one"))
    assert wagtail_adapter.child_tree_path(section, nth) == made.path


def test_the_last_childs_position_survives_a_deleted_sibling(demo_site):
    section = Page.objects.get(depth=3, slug="world")
    first = section.add_child(instance=Page(title="First", slug="first-of-two"))
    second = section.add_child(instance=Page(title="Second", slug="second-of-two"))
    position = wagtail_adapter.last_child_position(section)
    assert wagtail_adapter.child_tree_path(section, position) == second.path
    first.delete()
    section.refresh_from_db()
    # One child fewer, the same last position: the next child goes after it.
    assert wagtail_adapter.last_child_position(section) == position
    empty = section.add_child(instance=Page(title="Empty", slug="empty-section"))
    assert wagtail_adapter.last_child_position(empty) == 0


def test_wagtail_creates_renditions_only_through_the_wrapper(demo_image):
    """Renditions not found (prefetched, cached, in the database) are created
    through `wrap_rendition_creation`'s wrapper, by either of Wagtail's paths:
    what makes them once per cluster (caching/renditions.py) relies on it."""
    asked = []

    def recording(image, filters, create):
        asked.append((image.pk, sorted(f.spec for f in filters)))
        made = create(*filters)
        assert set(made) == set(filters)
        return made

    previous = wagtail_adapter.wrap_rendition_creation(recording)
    try:
        many = demo_image.get_renditions("width-11", "width-12")  # {% picture %}'s path
        one = demo_image.get_rendition("width-13")  # feeds' and share cards' path
        again = get_image_model().objects.get(pk=demo_image.pk).get_renditions("width-11")
    finally:
        wagtail_adapter.wrap_rendition_creation(previous)
    assert asked == [(demo_image.pk, ["width-11", "width-12"]), (demo_image.pk, ["width-13"])]
    assert [r.width for r in many.values()] == [11, 12] and one.width == 13
    # Found, not created again (Wagtail's bulk creation leaves pk unset on SQLite: the file tells).
    assert again["width-11"].file.name == many["width-11"].file.name
