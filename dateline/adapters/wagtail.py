"""Wagtail (and treebeard, its tree library) internals Dateline uses.

- `Site._find_for_request(request)`: Wagtail's site lookup without its
  per-request cache. The site memo (news/sites.py) looks a site up once per
  process, not once per request, so it needs the lookup itself.
- `request._wagtail_site`: where `Site.find_for_request` keeps the site it
  found. Setting it first is the documented effect of Wagtail's own lookup,
  so Wagtail's page view and template tags use the remembered site without a
  query.
- `page._cached_parent_obj`: where treebeard's `get_parent()` keeps the parent
  it fetched. Routing (news/routing.py) fetches every page along a path in
  one query and hands each its parent, so the breadcrumbs cost no query.
- `Page._get_path(parent_path, depth, position)`: treebeard's materialised
  path for the n-th child of a page, and `page._get_lastpos_in_path()`, the
  position of a child's path. Bulk creation (the benchmarks' 10,000
  articles) writes pages in one INSERT, without treebeard's one-by-one
  `add_child`, and must give them the paths treebeard would.
- `PictureNode.get_filters()`: the rendition filters Wagtail's `{% picture %}`
  builds on every render. A node that keeps them saves about a twentieth of
  an article's render (news/templatetags/news_images.py).
- `AbstractImage.create_rendition(filter)` and `create_renditions(*filters)`:
  where Wagtail renders and stores the renditions it did not find (after
  looking in the prefetched renditions, the cache and the database). Both are
  wrapped (`wrap_rendition_creation`) so that caching/renditions.py can make
  each rendition once across every machine: Wagtail's own guard, a unique
  constraint, keeps rows single but lets every racing request render.
"""

from wagtail.images.models import AbstractImage
from wagtail.images.templatetags import wagtailimages_tags
from wagtail.models import Page, Site


def find_site(request):
    """The Wagtail site for this request, looked up afresh (not from the request's cache)."""
    return Site._find_for_request(request)


def set_request_site(request, site):
    """Make `Site.find_for_request(request)` answer `site` without a query."""
    request._wagtail_site = site


def has_request_site(request):
    return hasattr(request, "_wagtail_site")


def set_cached_parent(page, parent):
    """Make `page.get_parent()` answer `parent` without a query."""
    page._cached_parent_obj = parent


def cached_parent(page):
    return getattr(page, "_cached_parent_obj", None)


def child_tree_path(parent, position):
    """The tree path treebeard gives the `position`-th child (from 1) of `parent`."""
    return Page._get_path(parent.path, parent.depth + 1, position)


def last_child_position(parent):
    """The position (from 1) treebeard gave `parent`'s last child; 0 when it has none.

    Not the number of children: a deleted child leaves its position unused."""
    last = parent.get_last_child()
    return last._get_lastpos_in_path() if last is not None else 0


class PictureKeepingFilters(wagtailimages_tags.PictureNode):
    """Wagtail's picture node, keeping the Filters it builds (they hold no per-image state)."""

    def get_filters(self):
        filters = self.__dict__.get("_kept_filters")
        if filters is None:
            filters = self._kept_filters = super().get_filters()
        return filters


def picture_node(parser, token):
    """Exactly Wagtail's `{% picture %}` node, with its filters kept between renders."""
    node = wagtailimages_tags.image(parser, token)
    # Wagtail's parser picks its node class by tag name; ours only adds the
    # kept filters, so the parsed node is reused as it is.
    node.__class__ = PictureKeepingFilters
    return node


# What runs around Wagtail's rendition creation: (image, filters, create) -> {filter: rendition}.
_creation = {"around": None}


def wrap_rendition_creation(around):
    """Run `around(image, filters, create)` wherever Wagtail creates renditions.

    `create(*filters)` is Wagtail's own creation of those renditions; it and
    `around` return {filter: rendition}. Wagtail's methods are replaced once
    per process, for every image model (they are the base class's); a later
    call only changes what runs around them. Returns the previous `around`.
    """
    previous, _creation["around"] = _creation["around"], around
    if not getattr(AbstractImage, "_dateline_creation_wrapped", False):
        _replace_creation_methods()
    return previous


def _replace_creation_methods():
    create_one = AbstractImage.create_rendition
    create_many = AbstractImage.create_renditions

    def wagtail_creates(image):
        def create(*filters):
            # Wagtail's many-at-once path calls create_rendition for a single
            # filter; call it directly, or `around` would run a second time.
            if len(filters) == 1:
                return {filters[0]: create_one(image, filters[0])}
            return create_many(image, *filters)

        return create

    def around(image, filters):
        wrapper = _creation["around"]
        create = wagtail_creates(image)
        return wrapper(image, filters, create) if wrapper else create(*filters)

    def create_rendition(self, filter):  # noqa: A002 - Wagtail's own argument name
        return around(self, [filter])[filter]

    def create_renditions(self, *filters):
        return around(self, list(filters)) if filters else {}

    AbstractImage.create_rendition = create_rendition
    AbstractImage.create_renditions = create_renditions
    AbstractImage._dateline_creation_wrapped = True
