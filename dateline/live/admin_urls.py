from django.urls import path

from . import admin_views

app_name = "live_desk"
urlpatterns = [
    path("", admin_views.desk_index, name="index"),
    path("session/", admin_views.session, name="session"),
    path("<int:page_id>/", admin_views.desk, name="desk"),
    path("<int:page_id>/changes/", admin_views.desk_changes, name="changes"),
    path("<int:page_id>/post/", admin_views.post_update, name="post"),
    path("<int:page_id>/updates/<int:update_id>/", admin_views.edit_update, name="edit"),
    path(
        "<int:page_id>/updates/<int:update_id>/delete/",
        admin_views.delete_update,
        name="delete",
    ),
    path("<int:page_id>/state/", admin_views.set_state, name="state"),
]
