from django.apps import AppConfig


class LiveConfig(AppConfig):
    """Live coverage: a page of short timestamped updates that reach open pages at once."""

    name = "dateline.live"
    label = "live"
    verbose_name = "Live coverage"

    def ready(self):
        from dateline.caching.purge import register_paths_provider
        from dateline.distribution.feeds import register_feed_items
        from dateline.distribution.structured_data import register_article_data
        from dateline.news.hooks import register_section_page_type
        from dateline.operations.worker import register_periodic

        from . import distribution, ending
        from .purging import paths_showing_live_page

        # Sections hold live pages beside articles.
        register_section_page_type("live.LivePage")
        # A change purges the page's poll document with the page itself.
        register_paths_provider(paths_showing_live_page)
        # LiveBlogPosting instead of NewsArticle; the latest updates in feeds.
        register_article_data(distribution.live_blog_posting)
        register_feed_items(distribution.feed_items)
        # Coverage left without an update for LIVE_IDLE_END_MINUTES ends itself.
        register_periodic(ending.end_idle_coverage)
