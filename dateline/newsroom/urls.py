from django.urls import path

from . import archive, corrections, search

urlpatterns = [
    path("search/", search.search, name="search"),
    path("corrections/", corrections.corrections_page, name="corrections"),
    path("corrections/feed/", corrections.CorrectionsFeed(), name="corrections-rss"),
    path("corrections/atom/", corrections.CorrectionsAtomFeed(), name="corrections-atom"),
    path("archive/<int:year>/", archive.archive_year, name="archive-year"),
    path("archive/<int:year>/<int:month>/", archive.archive_month, name="archive-month"),
]
