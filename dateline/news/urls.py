"""Reader pages outside the page tree: tags, search, corrections and the date archive."""

from django.urls import path

from . import archive, corrections, search, views

urlpatterns = [
    path("tags/<str:slug>/", views.tag_page, name="tag"),
    path("search/", search.search, name="search"),
    path("corrections/", corrections.corrections_page, name="corrections"),
    path("corrections/feed/", corrections.CorrectionsFeed(), name="corrections-rss"),
    path("corrections/atom/", corrections.CorrectionsAtomFeed(), name="corrections-atom"),
    path("archive/<int:year>/", archive.archive_year, name="archive-year"),
    path("archive/<int:year>/<int:month>/", archive.archive_month, name="archive-month"),
]
