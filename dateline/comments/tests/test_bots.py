"""Bots against the comment form, with every defence at its shipped setting.

Each bot in hostile.BOTS posts through the real view. None of them may reach
the public page. The tally (refused outright, held for a moderator) is printed
with `-s`, and is the measure docs/comments.md quotes.
"""

import collections
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from dateline.comments.models import Comment, Status
from dateline.comments.tokens import mint_form_token
from dateline.news.tests.html import parse

from .hostile import BOTS


def _token(kind):
    if kind == "none":
        return ""
    if kind == "fresh":
        return mint_form_token()
    if kind == "aged":
        with time_machine.travel(timezone.now() - timedelta(seconds=60), tick=False):
            return mint_form_token()
    return kind


@pytest.fixture
def shipped_defences(settings):
    """Every bot defence as shipped, but comments published at once (no first-time
    confirmation), so that what stops a bot is the bot defences themselves."""
    settings.COMMENTS_MIN_SECONDS_TO_SUBMIT = 3
    settings.COMMENTS_RATE_LIMITS = {"ip": [(5, 60), (60, 3600)], "email": [(3, 60)]}
    settings.COMMENTS_POLICY = {**settings.COMMENTS_POLICY, "verify_first_time": False}


def send(post_comment, index, case):
    fields = {k: v for k, v in case.items() if k not in {"bot", "token", "persistent"}}
    fields.setdefault("email", f"bot{index}@example.net")
    fields.setdefault("name", "Best Deals")
    # Each bot from its own address, but a flood from one.
    address = "198.51.100.200" if case["bot"].startswith("flood") else f"198.51.100.{index}"
    response = post_comment(token=_token(case["token"]), REMOTE_ADDR=address, **fields)
    if case.get("persistent") and response.status_code == 200:
        given = parse(response).select_one("input[name=form_token]")
        if given is not None and given.get("value"):
            with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
                response = post_comment(token=given["value"], REMOTE_ADDR=address, **fields)
    return response


def test_no_bot_reaches_the_page(post_comment, shipped_defences):
    outcomes = collections.Counter()
    by_bot = collections.defaultdict(collections.Counter)
    for index, case in enumerate(BOTS):
        before = set(Comment.objects.values_list("pk", flat=True))
        send(post_comment, index, case)
        made = Comment.objects.exclude(pk__in=before)
        if not made.exists():
            outcome = "refused (nothing stored)"
        elif made.filter(status=Status.APPROVED).exists():
            outcome = "published"
        else:
            outcome = "held for a moderator"
        outcomes[outcome] += 1
        by_bot[case["bot"]][outcome] += 1
    print(f"\n{len(BOTS)} bot submissions: {dict(outcomes)}")
    for bot, counts in by_bot.items():
        print(f"  {bot}: {dict(counts)}")
    assert outcomes["published"] == 0, outcomes
