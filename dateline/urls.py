from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from dateline.operations.media import serve_media

handler400 = "dateline.operations.views.bad_request"  # 413 page for an oversized form
handler404 = "dateline.news.views.page_not_found"
handler500 = "dateline.operations.views.server_error"  # 503 when the database is down

urlpatterns = [
    path(settings.DATELINE_ADMIN_PATH, include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("dateline.news.urls")),  # tags, search, corrections, archive
    path("", include("dateline.distribution.urls")),
    path("", include("dateline.operations.urls")),  # /healthz, /readyz
    path("comments/", include("dateline.comments.urls")),
    path("newsletters/", include("dateline.newsletters.urls")),
    path("", include("dateline.live.urls")),  # live pages' poll document
    path("", include("dateline.importer.urls")),  # WordPress's /index.php?p= short links
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT}),
    ]

# Wagtail's page tree serves everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
