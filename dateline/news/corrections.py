"""The per-site corrections page and its feeds: every note on a published article, newest first."""

from django.contrib.syndication.views import Feed
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from wagtail.models import Site

from .models import ArticleNote, ArticlePage, paginate


def published_notes(request):
    """Notes readers may see: on published articles of the site being asked for."""
    site = Site.find_for_request(request)
    articles = ArticlePage.objects.published()
    if site is not None:
        articles = articles.descendant_of(site.root_page)
    return (
        ArticleNote.objects.filter(page__in=articles)
        .select_related("page")
        .order_by("-noted_at", "-pk")
    )


def corrections_page(request):
    page = paginate(request, published_notes(request))
    return TemplateResponse(
        request, "news/corrections.html", {"notes_page": page, "notes": page.object_list}
    )


class CorrectionsFeed(Feed):
    """RSS 2.0: each correction or update links to the note on its article."""

    description = "Corrections and updates to our reporting, newest first."
    item_count = 50

    def get_object(self, request, *args, **kwargs):
        self.request = request
        site = Site.find_for_request(request)
        self.site_name = site.site_name if site and site.site_name else "Dateline"
        return None

    def title(self):
        return f"Corrections and updates – {self.site_name}"

    def link(self):
        return reverse("corrections")

    def items(self):
        return published_notes(self.request)[: self.item_count]

    def item_title(self, note):
        return f"{note.get_kind_display()}: {note.page.title}"

    def item_description(self, note):
        return note.text

    def item_link(self, note):
        return f"{note.page.get_url(request=self.request)}#note-{note.pk}"

    def item_pubdate(self, note):
        return note.noted_at

    def item_guid(self, note):
        return self.request.build_absolute_uri(self.item_link(note))

    item_guid_is_permalink = True


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = Atom1Feed
    subtitle = CorrectionsFeed.description
