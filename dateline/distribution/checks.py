from django.conf import settings
from django.core import checks

from .policy import FEED_CONTENT_CHOICES


@checks.register()
def check_distribution_settings(app_configs, **kwargs):
    errors = []
    if settings.DATELINE_FEED_CONTENT not in FEED_CONTENT_CHOICES:
        errors.append(
            checks.Error(
                f"FEED_CONTENT is {settings.DATELINE_FEED_CONTENT!r}",
                hint="Set FEED_CONTENT to 'full' or 'summary'.",
                id="distribution.E001",
            )
        )
    for name in ("DATELINE_FEED_ITEMS", "DATELINE_SITEMAP_PAGE_SIZE"):
        value = getattr(settings, name)
        if not 1 <= value <= 50000:
            errors.append(
                checks.Error(
                    f"{name} is {value}",
                    hint="Use a number between 1 and 50000 (the sitemap protocol's limit).",
                    id="distribution.E002",
                )
            )
    return errors
