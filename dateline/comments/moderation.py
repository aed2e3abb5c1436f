"""The moderation policy: what happens to a comment, declared as data.

In the spirit of django-contrib-comments' CommentModerator: a policy is an
object with settings, and a fixed list of rules reads those settings. The
site default comes from settings (COMMENTS_POLICY); a `CommentPolicyOverride`
on the front page, a section or an article changes any field for everything
below it, the nearest page winning.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import overrides
from .models import SPAM_SCORE_REASON, Status
from .text import count_links

HOLD, REJECT = "hold", "reject"


@dataclass(frozen=True)
class CommentPolicy:
    comments_open: bool = True
    premoderate_all: bool = False
    verify_first_time: bool = True
    hold_link_count: int = 2
    close_after_days: int | None = None
    disallowed_words: tuple[str, ...] = ()
    disallowed_action: str = HOLD
    # Hold when the local classifier thinks a comment is at least this likely spam.
    spam_hold_score: float = 0.9
    # Hold a comment sent without the form token's proof of time taken (no
    # JavaScript, a token younger than COMMENTS_MIN_SECONDS_TO_SUBMIT, expired or
    # forged) instead of sending the reader round to press again. A commenter
    # whose browser holds the confirmed-address cookie is not held for this.
    hold_unproven: bool = True
    # Names no reader may post under, nor anything that looks like them (names.py):
    # the site's roles. The site's name and its staff's names are added to these.
    reserved_names: tuple[str, ...] = (
        "admin",
        "administrator",
        "moderator",
        "mod",
        "editor",
        "editors",
        "editor in chief",
        "staff",
        "webmaster",
        "newsroom",
    )

    def closed_reason(self, article, now=None):
        """Why readers can no longer comment on `article`, or "" if they can."""
        if not self.comments_open:
            return "Comments are closed on this article."
        published = article.first_published_at
        if self.close_after_days is not None and published is not None:
            closes_at = published + timedelta(days=self.close_after_days)
            if (now or timezone.now()) >= closes_at:
                return (
                    f"Comments are closed: this article is more than "
                    f"{self.close_after_days} days old."
                )
        return ""


DEFAULT_WORDS_FILE = Path(__file__).parent / "data" / "disallowed_words.txt"


@functools.cache
def default_disallowed_words():
    """The shipped list: plain spam words that hold a comment on a new install."""
    lines = DEFAULT_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def site_default_policy():
    configured = getattr(settings, "COMMENTS_POLICY", {}) or {}
    known = {f.name for f in fields(CommentPolicy)}
    values = {k: v for k, v in configured.items() if k in known}
    # Unset (no COMMENTS_DISALLOWED_WORDS): the shipped list; set, even empty, it replaces it.
    values["disallowed_words"] = tuple(
        values["disallowed_words"]
        if values.get("disallowed_words") is not None
        else default_disallowed_words()
    )
    if values.get("reserved_names") is not None:
        values["reserved_names"] = tuple(values["reserved_names"])
    return CommentPolicy(**{k: v for k, v in values.items() if v is not None})


def policy_for(article, fresh=False):
    """The site default, changed by overrides from the front page down to `article`.

    Pages show the overrides each process remembers (comments/overrides.py);
    deciding on a comment (`fresh`) reads them from the database.
    """
    policy = site_default_policy()
    paths = [article.path[: i * article.steplen] for i in range(1, article.depth + 1)]
    for values in overrides.along(paths, fresh=fresh):
        policy = replace(policy, **values)
    return policy


@dataclass
class Submission:
    """A comment about to be stored, with what the rules need to know about it."""

    name: str
    email: str
    website: str
    body: str
    commenter_trusted: bool = False
    # Why the form token did not prove a person took their time ("" if it did).
    unproven: str = ""
    spam_score: float | None = None
    spam_reason: str = ""


@dataclass
class Verdict:
    status: str = Status.APPROVED
    reasons: list[str] = field(default_factory=list)
    rejected: str = ""
    needs_verification: bool = False


def _fold(text):
    return unicodedata.normalize("NFKC", text).casefold()


class DisallowedWords:
    def __call__(self, policy, submission, verdict):
        if not policy.disallowed_words:
            return
        haystack = _fold(
            " ".join([submission.name, submission.email, submission.website, submission.body])
        )
        found = [
            word
            for word in policy.disallowed_words
            if re.search(r"(?<!\w)" + re.escape(_fold(word)) + r"(?!\w)", haystack)
        ]
        if not found:
            return
        if policy.disallowed_action == REJECT:
            verdict.rejected = (
                "Your comment contains words this site does not publish. "
                "Please rephrase it and post again."
            )
        else:
            verdict.reasons.append("Contains disallowed words: " + ", ".join(found))


class PremoderateAll:
    def __call__(self, policy, submission, verdict):
        if policy.premoderate_all:
            verdict.reasons.append("Every comment here waits for a moderator.")


class FirstTimeCommenter:
    def __call__(self, policy, submission, verdict):
        if policy.verify_first_time and not submission.commenter_trusted:
            verdict.needs_verification = True
            verdict.reasons.append(
                "First comment from this email address (or from a browser that has not "
                "confirmed it): a confirmation link was emailed."
            )


class UnprovenForm:
    def __call__(self, policy, submission, verdict):
        if policy.hold_unproven and submission.unproven and not submission.commenter_trusted:
            verdict.reasons.append(
                f"Nothing showed a person took their time ({submission.unproven}): "
                "a moderator checks it is not a bot."
            )


class LinkCount:
    def __call__(self, policy, submission, verdict):
        links = count_links(submission.body)
        if policy.hold_link_count and links >= policy.hold_link_count:
            verdict.reasons.append(
                f"Contains {links} links (comments with {policy.hold_link_count} or more are held)."
            )


class SpamScore:
    def __call__(self, policy, submission, verdict):
        score = submission.spam_score
        if score is not None and score >= policy.spam_hold_score:
            verdict.reasons.append(
                f"{SPAM_SCORE_REASON} {score:.2f}: "
                f"{submission.spam_reason or 'looks like past spam'}"
            )


class Moderator:
    """Runs each rule in turn; any reason holds the comment, any rejection refuses it."""

    rules = (
        DisallowedWords(),
        PremoderateAll(),
        FirstTimeCommenter(),
        UnprovenForm(),
        LinkCount(),
        SpamScore(),
    )

    def __init__(self, policy):
        self.policy = policy

    def judge(self, submission):
        verdict = Verdict()
        for rule in self.rules:
            rule(self.policy, submission, verdict)
        if verdict.reasons:
            verdict.status = Status.PENDING
        return verdict
