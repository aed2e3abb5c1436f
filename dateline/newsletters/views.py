"""Reader pages: the list of newsletters, sign-up, confirmation, preferences, leaving.

The list and every sign-up form are cached and shared; everything a link in
an email opens is one reader's own and never stored by a cache.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dateline.comments.origin import cross_site_reason
from dateline.comments.posting import client_ip
from dateline.comments.views import private

from . import subscribing
from .forms import ChoiceForm, SubscribeForm
from .models import ConsentRecord, Newsletter, Send, Subscriber
from .tokens import (
    LeaveSigner,
    preferences_token,
    read_confirmation_token,
    read_preferences_token,
)

# One answer for every address: known, unknown, confirmed, unsubscribed or rate limited.
SUBSCRIBED_ANSWER = (
    "Thank you. Please check your inbox: the link we send you starts the newsletters. "
    "Nothing else is sent until you confirm."
)


@require_GET
def newsletter_list(request):
    newsletters = Newsletter.objects.filter(active=True)
    return render(request, "newsletters/list.html", {"newsletters": newsletters})


def _source_path(value):
    # A path on this site only; it is recorded with the consent, never put in a header.
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
        return value[:400]
    return ""


@csrf_exempt  # the form is on cached pages: origin checked instead (comments/origin.py)
@require_POST
def subscribe(request):
    form = SubscribeForm(request.POST, newsletters=Newsletter.objects.filter(active=True))
    wants_json = "application/json" in request.headers.get("Accept", "")
    problem = cross_site_reason(request)
    if not problem and not request.POST.get("website") and form.is_valid():
        subscribing.request_subscription(
            form.cleaned_data["email"],
            form.chosen(),
            source_url=request.build_absolute_uri(_source_path(request.POST.get("source"))),
            client_ip=client_ip(request),
        )
    elif not problem and not request.POST.get("website"):
        problem = next(iter(form.errors.values()))[0]
    if wants_json:
        body = {"ok": not problem, "message": problem or SUBSCRIBED_ANSWER}
        return private(JsonResponse(body, status=400 if problem else 200))
    context = {"form": form, "problem": problem, "answer": SUBSCRIBED_ANSWER}
    return private(
        render(request, "newsletters/answer.html", context, status=400 if problem else 200)
    )


@csrf_exempt  # the signed link is the authority; the origin is checked on POST
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    found = read_confirmation_token(token)
    subscriber = found and Subscriber.objects.filter(pk=found[0]).first()
    if not subscriber:
        return private(render(request, "newsletters/confirm.html", {"invalid": True}, status=400))
    consent = ConsentRecord.objects.filter(pk=found[1], subscriber=subscriber).first()
    pending = subscribing.pending_for(subscriber)
    form = ChoiceForm(request.POST or None, newsletters=pending)
    context = {"pending": pending, "email": subscriber.email, "token": token}
    if request.method == "POST" and not cross_site_reason(request) and form.is_valid():
        context["confirmed"] = subscribing.confirm(
            subscriber, consent, form.cleaned_data["newsletters"]
        )
        context["preferences_token"] = _preferences_token(subscriber)
    return private(render(request, "newsletters/confirm.html", context))


def _preferences_token(subscriber):
    return preferences_token(subscriber.pk)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    subscriber_id = read_preferences_token(token)
    subscriber = subscriber_id and Subscriber.objects.filter(pk=subscriber_id).first()
    if not subscriber:
        return private(
            render(request, "newsletters/preferences.html", {"invalid": True}, status=400)
        )
    offered = list(Newsletter.objects.filter(active=True))
    form = ChoiceForm(request.POST or None, newsletters=offered)
    context = {"email": subscriber.email, "token": token}
    if request.method == "POST" and not cross_site_reason(request) and form.is_valid():
        if request.POST.get("action") == "leave_all":
            subscribing.leave(subscriber, source_url=request.build_absolute_uri())
            context["left_all"] = True
        else:
            subscribing.change_preferences(
                subscriber,
                form.cleaned_data["newsletters"],
                paused=form.cleaned_data["paused"],
                source_url=request.build_absolute_uri(),
            )
            context["saved"] = True
    receiving = set(
        subscriber.subscriptions.filter(state="active").values_list("newsletter_id", flat=True)
    )
    subscriber.refresh_from_db(fields=["paused"])
    context["choices"] = [(n, n.pk in receiving) for n in offered]
    context["paused"] = subscriber.paused
    return private(render(request, "newsletters/preferences.html", context))


@csrf_exempt  # RFC 8058: mail providers POST without cookies; the signed link is enough
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks (a link scanner must not unsubscribe anyone); POST leaves, with no redirect."""
    found = LeaveSigner().read(token)
    subscriber = found and Subscriber.objects.filter(pk=found[0]).first()
    newsletter = found and Newsletter.objects.filter(pk=found[1]).first()
    if not subscriber or not newsletter:
        context = {"invalid": True}
        return private(render(request, "newsletters/unsubscribe.html", context, status=400))
    context = {
        "newsletter": newsletter,
        "token": token,
        "preferences_token": _preferences_token(subscriber),
    }
    if request.method == "POST":
        send = Send.objects.filter(pk=found[2]).first() if found[2] else None
        subscribing.leave(
            subscriber, newsletter, send=send, source_url=request.build_absolute_uri()
        )
        context["left"] = True
    return private(render(request, "newsletters/unsubscribe.html", context))
