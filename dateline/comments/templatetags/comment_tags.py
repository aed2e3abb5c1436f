from django import template

from dateline.comments.forms import CommentForm

register = template.Library()


@register.inclusion_tag("comments/form.html", takes_context=True)
def comment_form(context, article):
    return {"form": CommentForm(), "article": article, "request": context.get("request")}
