from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from dateline.news import views as news_views
from dateline.operations.media import serve_media

handler404 = "dateline.news.views.page_not_found"
handler500 = "dateline.operations.views.server_error"  # 503 when the database is down

urlpatterns = [
    path(settings.DATELINE_ADMIN_PATH, include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("tags/<str:slug>/", news_views.tag_page, name="tag"),
    path("", include("dateline.distribution.urls")),
    path("", include("dateline.operations.urls")),  # /healthz, /readyz
    path("", include("dateline.newsroom.urls")),  # search, corrections, archive
    path("comments/", include("dateline.comments.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT}),
    ]

# Wagtail's page tree serves everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
