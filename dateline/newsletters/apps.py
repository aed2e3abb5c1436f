from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "dateline.newsletters"
    label = "newsletters"
    verbose_name = "Newsletters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from dateline.caching.purge import register_paths_provider
        from dateline.news.hooks import register_page_part, register_personal_data
        from dateline.operations.worker import register_job

        from . import delivery, privacy, purging, signals  # noqa: F401 - connects receivers

        # After the article, before "Leave a Reply" (comments stand at the default 100).
        register_page_part("article_end", "newsletters/article_part.html", order=50)
        register_page_part("front_end", "newsletters/front_part.html", order=50)
        register_paths_provider(purging.paths_showing_newsletters)
        register_personal_data(privacy.SubscriberData())
        # Sends are worked by the worker `make run` starts, a bounded slice a turn.
        register_job(delivery.worker_job)
