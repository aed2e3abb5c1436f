"""Starting an article from the dashboard: one click, then the section it goes in."""

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from dateline.news.models import ArticlePage, SectionPage


def sections_for(user):
    """The sections this person may write an article in, in the tree's order."""
    return [
        section
        for section in SectionPage.objects.live().order_by("path")
        if ArticlePage.can_create_at(section)
        and section.permissions_for_user(user).can_add_subpage()
    ]


def add_article_url(section):
    return reverse("wagtailadmin_pages:add", args=("news", "articlepage", section.pk))


def new_article(request):
    sections = sections_for(request.user)
    if len(sections) == 1:
        return redirect(add_article_url(sections[0]))
    return TemplateResponse(
        request,
        "newsroom/admin/new_article.html",
        {"sections": [(section, add_article_url(section)) for section in sections]},
    )


urlpatterns = [path("new-article/", new_article, name="new_article")]
