import functools

from django import template
from django.conf import settings
from django.template.loader import render_to_string

from dateline.caching import fragments
from dateline.comments.forms import COMMENT_MAX_LENGTH, CommentForm
from dateline.comments.models import Comment, Status
from dateline.comments.moderation import policy_for
from dateline.comments.text import render_body, safe_website
from dateline.comments.threads import thread_for
from dateline.comments.tokens import read_posted_token

register = template.Library()


def _reply_target(request, article):
    raw = request.GET.get("replytocom", "") if request else ""
    if not raw.isdigit():
        return None
    return Comment.objects.filter(
        pk=int(raw), article_id=article.pk, status=Status.APPROVED
    ).first()


def _own_comment(request, article):
    """The reader's just-posted comment, named by the signed ?posted= in the redirect.

    The page cache never stores a page asked for with ?posted= (its policy's
    `private_query_params`), so this reader's comment is shown to them alone.
    """
    comment_id = read_posted_token(request.GET.get("posted", "")) if request else None
    if comment_id is None:
        return None
    return Comment.objects.filter(
        pk=comment_id, article_id=article.pk, status__in=[Status.PENDING, Status.APPROVED]
    ).first()


@register.simple_tag(takes_context=True)
def comment_section(context, article):
    """Comments, the reader's own held comment, and the form or why it is closed.

    Kept as a fragment (caching/fragments.py) by the article's revision and
    its comment list's version, its path's purge marker, which every change
    to the comments readers see sets (signals.py); never for a reader's own
    view (`?posted=`, a reply form for `?replytocom=`).
    """
    request = context.get("request")

    def render():
        section = context.template.engine.get_template("comments/section.html")
        return section.render(context.new(_section_context(request, article)))

    if (
        request is None
        or "replytocom" in request.GET
        or not getattr(article, "keeps_fragments", False)
    ):
        return render()
    return fragments.cached(
        request, "comments", [article.pk, article.live_revision_id], request.path, render
    )


def _section_context(request, article):
    own = _own_comment(request, article)
    threads, count = thread_for(article, extra=own)
    reply_to = _reply_target(request, article)
    form = CommentForm(initial={"parent": reply_to.pk if reply_to else None})
    return {
        "article": article,
        "threads": threads,
        "count": count,
        "own": own,
        "closed_reason": policy_for(article).closed_reason(article),
        "form": form,
        "reply_to": reply_to,
        "request": request,
        "max_length": COMMENT_MAX_LENGTH,
        "debug": settings.DEBUG,
    }


@functools.cache
def blank_form_fields():
    """The reader fields of an unbound form, as HTML: the same on every article.

    Django renders each widget through its own template; doing that once per
    process instead of once per page saves about a tenth of an article's render.
    """
    return render_to_string("comments/form_fields.html", {"form": CommentForm()})


@register.inclusion_tag("comments/form.html", takes_context=True)
def comment_form(context, article, form=None, reply_to=None):
    form = form or CommentForm()
    return {
        "blank_fields": None if form.is_bound else blank_form_fields(),
        "form": form,
        "article": article,
        "reply_to": reply_to,
        "request": context.get("request"),
    }


@register.filter
def comment_html(comment):
    return render_body(comment.body)


@register.filter
def commenter_website(comment):
    return safe_website(comment.website)
