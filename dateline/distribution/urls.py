"""Where stories are distributed from. Feeds: /feeds/<format>/ for the whole site and
/feeds/<section|author|tag>/<slug>/<format>/ for one of them, format rss, atom or json."""

from django.urls import path

from . import views
from .feeds import SCOPES, SiteFeed
from .generators import FORMATS

app_name = "distribution"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap"),
    path("oembed/", views.oembed, name="oembed"),
]

for format_name in FORMATS:
    urlpatterns.append(
        path(f"feeds/{format_name}/", SiteFeed(format_name), name=f"site-{format_name}")
    )
    for scope_name, feed_class in SCOPES.items():
        urlpatterns.append(
            path(
                f"feeds/{scope_name}/<str:slug>/{format_name}/",
                feed_class(format_name),
                name=f"{scope_name}-{format_name}",
            )
        )
