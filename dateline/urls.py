from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from dateline.news import views as news_views

handler404 = "dateline.news.views.page_not_found"
handler500 = "dateline.news.views.server_error"

urlpatterns = [
    path(settings.DATELINE_ADMIN_PATH, include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("tags/<str:slug>/", news_views.tag_page, name="tag"),
    path("comments/", include("dateline.comments.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Wagtail's page tree serves everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
