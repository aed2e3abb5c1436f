from django.urls import path

from . import views

app_name = "live"
urlpatterns = [
    path("live/<int:page_id>/updates/", views.updates, name="updates"),
    # Served by `dateline live-stream` behind nginx; this answers only where it is absent.
    path("live/stream/<int:page_id>/", views.no_stream, name="stream"),
]
