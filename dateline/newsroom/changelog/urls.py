"""The change log's addresses, under each article's own (registered in apps.py)."""

from django.urls import path

from . import views

# Each view takes the article, then the request: the article routes them as its own.
routes = [
    path("changes/", views.change_log, name="changes"),
    path("changes/compare/", views.compare_form, name="changes-compare"),
    path("changes/<int:old>/<int:new>/", views.change_diff, name="changes-diff"),
]
