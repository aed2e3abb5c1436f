"""The archive by date: /archive/2026/ lists months, /archive/2026/11/ a month's stories."""

import calendar
from datetime import date

from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.template.response import TemplateResponse
from wagtail.models import Site

from dateline.news.models import ArticlePage, attach_sections, paginate


def _site_articles(request):
    articles = ArticlePage.objects.for_listing()
    site = Site.find_for_request(request)
    if site is not None:
        articles = articles.descendant_of(site.root_page)
    return articles


def archive_year(request, year):
    if not date.min.year <= year <= date.max.year:
        raise Http404("No such year")
    months = (
        _site_articles(request)
        .filter(first_published_at__year=year)
        .annotate(month=ExtractMonth("first_published_at"))
        .order_by()
        .values_list("month", flat=True)
    )
    counts = {}
    for month in months:
        counts[month] = counts.get(month, 0) + 1
    if not counts:
        raise Http404("Nothing published that year")
    listing = [
        {"month": m, "name": calendar.month_name[m], "count": counts[m]}
        for m in sorted(counts, reverse=True)
    ]
    return TemplateResponse(
        request, "newsroom/archive_year.html", {"year": year, "months": listing}
    )


def archive_month(request, year, month):
    if not (1 <= month <= 12 and date.min.year <= year <= date.max.year):
        raise Http404("No such month")
    listing = _site_articles(request).filter(
        first_published_at__year=year, first_published_at__month=month
    )
    if not listing.exists():
        raise Http404("Nothing published that month")
    page = paginate(request, listing)
    return TemplateResponse(
        request,
        "newsroom/archive_month.html",
        {
            "year": year,
            "month": month,
            "month_name": calendar.month_name[month],
            "stories_page": page,
            "stories": attach_sections(page.object_list),
        },
    )
