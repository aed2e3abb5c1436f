from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("token/", views.form_token, name="form_token"),
    path("post/<int:article_id>/", views.post_comment, name="post"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("my-data/", views.data_request, name="data_request"),
    path("my-data/<str:token>/", views.my_data, name="my_data"),
]
