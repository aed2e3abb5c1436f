from wagtail import hooks
from wagtail.admin.ui.components import Component

from .overdue import overdue_articles


class OverdueArticlesPanel(Component):
    """On the admin dashboard, above everything else, while anything is overdue."""

    name = "overdue_articles"
    template_name = "newsroom/admin/overdue_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["overdue"] = overdue_articles()
        return context


@hooks.register("construct_homepage_panels")
def add_overdue_panel(request, panels):
    if request.user.has_perm("wagtailadmin.access_admin"):
        panels.insert(0, OverdueArticlesPanel())
