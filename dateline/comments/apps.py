from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "dateline.comments"
    label = "comments"
    verbose_name = "Reader comments"

    def ready(self):
        from dateline.caching.policy import register_private_query_param
        from dateline.news.hooks import register_page_part

        from . import signals  # noqa: F401 - connects the receivers

        # "Leave a Reply", after the article; not in the preview of an article never
        # saved, which has no id to post a comment to.
        register_page_part("article_end", "comments/article_part.html", needs_saved_page=True)
        # The page a reader is sent to after posting shows their own comment (?posted=).
        register_private_query_param("posted")
