from django import template

from dateline.news.models import ArticlePage

from ..runner import run_checks

register = template.Library()


@register.inclusion_tag("editorial_checks/side_panel.html")
def editorial_checks_panel(page):
    """The findings for the editor's Checks panel (the last saved draft)."""
    if not isinstance(page, ArticlePage):
        return {"applies": False}
    if not page.pk:
        return {"applies": True, "page": page, "report": None}
    return {"applies": True, "page": page, "report": run_checks(page)}
