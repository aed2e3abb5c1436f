"""Finding the page for a reader's URL in a fixed, small number of queries.

Wagtail resolves a URL one tree level at a time: a query for the child with
the next slug, then another for its specific type, at every level, and then
two more for the view restrictions of the page and its ancestors. An article
two levels below the front page cost six queries before its own work began.

A page's `url_path` is its site root's `url_path` followed by the slugs below
it, so every page on the way to the requested one can be fetched in a single
query. The deepest page found is loaded as its specific type (with what its
template reads at once, `route_select_related`) and routes the rest of the
path itself, so a page type's own `route()` (an article's sub-routes) still
decides. The pages above it become `specific_deferred` instances: the parent
links and the view-restriction check read only their tree fields.
"""

from operator import attrgetter

from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.http import Http404
from wagtail.models import Page, PageViewRestriction

from dateline.adapters.wagtail import cached_parent, set_cached_parent
from dateline.caching.fragments import remembered


class RoutesInOneQueryMixin:
    """For the site root page type: route the whole path with one tree query."""

    def route(self, request, path_components):
        if not path_components:
            # This very page. The site memo (news/sites.py) hands it over with
            # only its tree fields: load the rest now that they are wanted.
            page = self
            if self.get_deferred_fields():
                try:
                    page = type(self)._default_manager.get(pk=self.pk)
                except type(self).DoesNotExist:  # deleted since the site was looked up
                    raise Http404 from None
            return super(RoutesInOneQueryMixin, page).route(request, path_components)
        # Kept between requests until the page found is purged (published,
        # moved, unpublished, deleted, made private: caching/fragments.py).
        page, rest = remembered(
            request, "route", [self.pk, *path_components], lambda: self._find(path_components)
        )
        if page is None:
            # No child page has the first slug: Wagtail's own routing gives the 404.
            return super().route(request, path_components)
        return page.route(request, rest)

    def _find(self, path_components):
        """((the deepest page along the path, the components below it), its public path)."""
        # This page's own url_path, then one per level below it.
        candidates = [
            self.url_path + "".join(slug + "/" for slug in path_components[:depth])
            for depth in range(len(path_components) + 1)
        ]
        along_path = (
            Page.objects.filter(
                url_path__in=candidates, path__startswith=self.path, depth__gte=self.depth
            )
            # Whether a view restriction applies at each level (an alias's
            # are its original's), so a page nobody restricted costs no
            # restriction query at all.
            .annotate(
                restricted=Exists(
                    PageViewRestriction.objects.filter(
                        page_id=Coalesce(OuterRef("alias_of_id"), OuterRef("pk"))
                    )
                )
            )
            # Sorted here, not by the database: a handful of rows, and an
            # ORDER BY makes Django hash every selected column to build it.
            .order_by()
        )
        chain = [self]
        restricted = False
        for page in sorted(along_path, key=attrgetter("depth")):
            if page.pk == self.pk:
                restricted = page.restricted
                continue
            parent = chain[-1]
            # url_path is unique within a tree, but a page moved mid-request
            # could leave a gap: stop at the first page that is not a child.
            if page.depth != parent.depth + 1 or not page.path.startswith(parent.path):
                break
            restricted = restricted or page.restricted
            page = page.specific_deferred
            set_cached_parent(page, parent)
            chain.append(page)
        if len(chain) == 1:
            return (None, path_components), None  # nothing to keep

        found = chain[-1]
        model = found.specific_class
        if model is None:  # the page's type no longer exists in the code
            raise Http404
        # `get`, not `first`: ordering by the key would cost more to build
        # than the query costs to run.
        try:
            page = model._default_manager.select_related(
                *getattr(model, "route_select_related", ())
            ).get(pk=found.pk)
        except model.DoesNotExist:  # deleted since the tree query
            raise Http404 from None
        set_cached_parent(page, cached_parent(found))
        page._restricting_page_ids = {p.alias_of_id or p.pk for p in [*chain[:-1], page]}
        page._restricted_along_path = restricted
        # The page's own public path: "/" and the slugs below the site root.
        public_path = "/" + "".join(slug + "/" for slug in path_components[: len(chain) - 1])
        return (page, path_components[len(chain) - 1 :]), public_path


class RestrictionsFromRouteMixin:
    """For every reader page type: the view restrictions, from what routing found.

    Wagtail's `get_view_restrictions` queries the ancestors (for aliases) and
    then the restrictions. A page found by `RoutesInOneQueryMixin` already
    knows its ancestors and whether any of them is restricted: no query when
    none is (nearly every page of a news site), one when some is. An alias
    points at its original (Wagtail never aliases an alias), whose
    restrictions are the ones that apply, as in Wagtail.
    """

    def get_view_restrictions(self):
        page_ids = getattr(self, "_restricting_page_ids", None)
        if page_ids is None:
            return super().get_view_restrictions()
        if not self._restricted_along_path:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(page_id__in=page_ids)
