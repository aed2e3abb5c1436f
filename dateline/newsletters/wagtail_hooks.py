from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet

from .admin_views import SEND_PERMISSION, NewslettersGroup
from .models import Issue, Newsletter, Send, Subscription

register_snippet(NewslettersGroup)


@hooks.register("register_snippet_listing_buttons")
def send_button(snippet, user, next_url=None):
    if isinstance(snippet, Issue) and user.has_perm(SEND_PERMISSION):
        button = Button(
            "Send…",
            url=reverse(Issue.snippet_viewset.get_url_name("send"), args=[snippet.pk]),
            icon_name="mail",
            priority=5,
            attrs={"aria-label": f"Send “{snippet.subject}”"},
        )
        button.allow_in_dropdown = False
        yield button


class AlsoSendAsNewsletter(ActionMenuItem):
    """Ticks in the article editor's publish menu: "also send as newsletter", each with
    its confirmed readers counted, for those who may send."""

    name = "newsletters-also-send"
    template_name = "newsletters/admin/also_send.html"
    order = 15

    def is_shown(self, context):
        page = context.get("page") or context.get("parent_page")
        request = context["request"]
        return (
            request.user.has_perm(SEND_PERMISSION)
            and context["view"] in ("create", "edit")
            and (context["view"] == "create" or page.specific_class.__name__ == "ArticlePage")
            and Newsletter.objects.filter(active=True).exists()
        )

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["newsletters"] = [
            (n, Subscription.objects.receiving(n).count())
            for n in Newsletter.objects.filter(active=True)
        ]
        return context


@hooks.register("register_page_action_menu_item")
def also_send_menu_item():
    return AlsoSendAsNewsletter()


@hooks.register("after_publish_page")
def send_published_article(request, page):
    chosen = request.POST.getlist("newsletters_also_send")
    if not chosen or not request.user.has_perm(SEND_PERMISSION):
        return
    article = page.specific
    for newsletter in Newsletter.objects.filter(pk__in=[c for c in chosen if c.isdigit()]):
        issue = Issue.objects.create(
            newsletter=newsletter,
            subject=article.title[:150],
            preheader=getattr(article, "deck", "")[:200],
            body=[
                {"type": "article", "value": {"article": article.pk, "headline": "", "deck": ""}}
            ],
            source_article=article,
        )
        moment = max(article.go_live_at or timezone.now(), timezone.now())
        Send.objects.create(issue=issue, scheduled_for=moment, created_by=request.user)
