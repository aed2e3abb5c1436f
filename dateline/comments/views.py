"""Reader-facing comment views. Thin: the work is in posting, moderation and privacy."""

from django.conf import settings
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dateline.news.models import ArticlePage

from . import posting, privacy, tasks, verification
from .forms import CommentForm, EmailRequestForm
from .mail import request_root
from .origin import cross_site_reason
from .ratelimit import over_limit
from .tokens import mint_form_token, posted_token, read_data_request_token

DATA_REQUEST_LIMITS = {"data_ip": [(10, 3600)], "data_email": [(3, 86400)]}
PROBLEM_STATUS = {"invalid": 400, "limited": 429, "rejected": 403}


def private(response):
    """Pages that echo what one reader typed must never be stored by a cache."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


@require_GET
def form_token(request):
    """A fresh form token for comments.js: fetched when the reader starts writing.

    `ready_in` tells the script how long to let the token age before it sends
    the form, so a quick writer is never taken for a bot.
    """
    return private(
        JsonResponse(
            {"token": mint_form_token(), "ready_in": settings.COMMENTS_MIN_SECONDS_TO_SUBMIT}
        )
    )


def _article_or_404(article_id):
    article = ArticlePage.objects.published().filter(pk=article_id).first()
    if article is None:
        raise Http404("No such article")
    return article


@csrf_exempt  # see origin.py: the cached page cannot carry a CSRF token
@require_POST
def post_comment(request, article_id):
    article = _article_or_404(article_id)
    form = CommentForm(request.POST)
    reason = cross_site_reason(request)
    if reason:
        outcome = posting.Outcome("rejected", message=reason)
    else:
        outcome = posting.submit(article, form, request)

    if outcome.kind == "discarded":
        # Look like success to the bot; nothing was stored.
        return redirect(article.url + "#comments", permanent=False)
    if outcome.accepted:
        comment = outcome.comment
        response = redirect(
            f"{article.url}?posted={posted_token(comment)}#{comment.anchor()}", permanent=False
        )
        response.status_code = 303
        response["X-Comment-Outcome"] = outcome.kind
        return private(response)

    # Everything the reader typed comes back in the form, with a fresh token.
    data = request.POST.copy()
    data["form_token"] = mint_form_token()
    form.data = data
    response = render(
        request,
        "comments/post_problem.html",
        {
            "article": article,
            "form": form,
            "outcome": outcome,
            "reply_to": posting.place_reply(article, _int_or_none(data.get("parent"))) or None,
        },
        status=PROBLEM_STATUS.get(outcome.kind, 400),
    )
    return private(response)


def _int_or_none(value):
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 19 else None


@require_http_methods(["GET", "POST"])
def verify(request, token):
    """The link in the confirmation email. GET shows a button; POST confirms, so
    mail scanners that open links do not confirm on the reader's behalf."""
    comment = verification.comment_for_token(token)
    if comment is None:
        return private(render(request, "comments/verify.html", {"invalid": True}, status=400))
    if request.method == "GET":
        return private(render(request, "comments/verify.html", {"comment": comment}))
    verification.confirm(comment)
    response = redirect(f"{comment.article.url}?posted={posted_token(comment)}#{comment.anchor()}")
    response.status_code = 303
    verification.remember_browser(response, comment.email)
    return private(response)


@require_http_methods(["GET", "POST"])
def data_request(request):
    form = EmailRequestForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        # The same answer whether or not we hold comments from the address, and
        # whether or not the limit (which stops mail-bombing an inbox) was reached.
        limited = over_limit(
            [("data_ip", posting.client_ip(request)), ("data_email", email)],
            limits=DATA_REQUEST_LIMITS,
        )
        if not limited and privacy.has_data(email):
            root = request_root(request)
            transaction.on_commit(lambda: tasks.send_data_request_link.enqueue(email, root))
        sent = True
    return private(render(request, "comments/data_request.html", {"form": form, "sent": sent}))


@require_http_methods(["GET", "POST"])
def my_data(request, token):
    email = read_data_request_token(token)
    if email is None:
        return private(render(request, "comments/my_data.html", {"invalid": True}, status=400))
    if request.method == "POST":
        erased, others_erased = privacy.erase_all(email)
        context = {"erased": erased, "others_erased": others_erased}
        return private(render(request, "comments/my_data.html", context))
    if request.GET.get("format") == "json":
        data = privacy.export_all(email)
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = 'attachment; filename="my-comments.json"'
        return private(response)
    count = privacy.comments_for(email).count()
    export_url = reverse("comments:my_data", args=[token]) + "?format=json"
    context = {"count": count, "others": privacy.other_data(email), "export_url": export_url}
    return private(render(request, "comments/my_data.html", context))
