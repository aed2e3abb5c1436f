from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """Roles, the review workflow, overdue articles and each article's public change log."""

    name = "dateline.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from dateline.caching.purge import register_paths_provider
        from dateline.news.hooks import register_article_route, register_page_part

        from .changelog.urls import routes
        from .purging import paths_showing_article_history

        for route in routes:
            register_article_route(route)
        register_page_part("article_after_notes", "newsroom/includes/change_log_link.html")
        register_paths_provider(paths_showing_article_history)
