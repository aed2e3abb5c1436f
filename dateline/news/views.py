"""Reader views outside the page tree: tag pages and the 404 page (500: operations/views.py)."""

from django.http import Http404
from django.shortcuts import render
from django.template.response import TemplateResponse
from taggit.models import Tag

from .models import ArticlePage, ArticlePageTag, article_pages, attach_sections, paginate


def tag_page(request, slug):
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404("No such tag")
    listing = ArticlePage.objects.filter(tagged_items__tag=tag).for_listing()
    if not listing.exists():
        raise Http404("No published stories with this tag")
    tagged = ArticlePageTag.objects.filter(tag=tag).values("content_object_id")
    page = paginate(request, listing, keys=article_pages().filter(pk__in=tagged))
    return TemplateResponse(
        request,
        "news/tag_page.html",
        {"tag": tag, "stories_page": page, "stories": attach_sections(page.object_list)},
    )


def page_not_found(request, exception=None):
    """A 404 that helps: the sections and the latest stories, not a dead end."""
    latest = attach_sections(ArticlePage.objects.for_listing()[:5])
    return render(request, "404.html", {"latest_stories": latest}, status=404)
