"""The newsroom's working day in Wagtail's admin: the dashboard, starting an article,
the editor's main button, and what an editor is told after deciding."""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from dateline.news.models import ArticlePage

from . import admin_views, outcomes
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


class EmailMissingPanel(Component):
    """Review requests and moderation notices go by email: say so to whoever has none."""

    name = "email_missing"
    template_name = "newsroom/admin/email_missing_panel.html"
    order = 40

    def get_context_data(self, parent_context):
        return {"account_url": reverse("wagtailadmin_account")}


class StartWritingPanel(Component):
    """ "New article", first thing on the dashboard for anyone who may write one."""

    name = "start_writing"
    template_name = "newsroom/admin/start_panel.html"
    order = 60

    class Media:
        css = {"all": ["newsroom/admin.css"]}

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        return {
            "new_article_url": reverse("newsroom:new_article"),
            "has_author_page": hasattr(self.user, "author_page"),
        }


def may_write_articles(user):
    return bool(admin_views.sections_for(user))


@hooks.register("construct_homepage_panels")
def add_newsroom_panels(request, panels):
    user = request.user
    if not user.has_perm("wagtailadmin.access_admin"):
        return
    panels.insert(0, OverdueArticlesPanel())
    if not user.email:
        panels.insert(0, EmailMissingPanel())
    if may_write_articles(user):
        panels.append(StartWritingPanel(user))


@hooks.register("register_admin_urls")
def register_newsroom_urls():
    return [path("newsroom/", include((admin_views.urlpatterns, "newsroom")))]


class NewArticleMenuItem(MenuItem):
    def is_shown(self, request):
        return may_write_articles(request.user)


@hooks.register("register_admin_menu_item")
def new_article_menu_item():
    return NewArticleMenuItem(
        "New article", reverse("newsroom:new_article"), icon_name="doc-full", order=150
    )


@hooks.register("construct_page_action_menu")
def decide_first(menu_items, request, context):
    """The editor's main button is the decision, not "Save draft" with the rest in a menu:
    "Approve and Publish" while an article waits for this editor's review, else
    "Publish" for whoever may publish. Reporters keep "Save draft" first."""
    for name in ("approve", "action-publish"):
        for index, item in enumerate(menu_items):
            if item.name == name:
                menu_items.insert(0, menu_items.pop(index))
                return


@hooks.register("after_edit_page")
def say_what_happened_after_editing(request, page):
    if not isinstance(page, ArticlePage) or request.method != "POST":
        return None
    if request.POST.get("action-workflow-action"):
        outcomes.after_workflow_action(request, page)
    elif request.POST.get("action-publish"):
        outcomes.after_publish_action(request, page)
    return None


@hooks.register("after_create_page")
def say_what_happened_after_creating(request, page):
    if isinstance(page, ArticlePage) and request.POST.get("action-publish"):
        outcomes.after_publish_action(request, page)


@hooks.register("insert_editor_js")
def schedule_button_label():
    return format_html('<script src="{}" defer></script>', static("newsroom/schedule.js"))
