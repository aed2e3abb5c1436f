"""A local spam score: naive Bayes over words, trained on moderators' decisions.

A new install starts from a small seed of plainly spam and plainly ordinary
comments (data/spam_seed.json, learnt once: `ensure_seeded`), so an obvious
spam comment scores as spam on day one. After that it learns only from
explicit decisions: a moderator pressing "Spam" teaches "spam", and "Not spam"
on a comment held as spam teaches "ham". A plain approval teaches nothing: a
moderator waving a comment through has not said it was not spam. Nothing
leaves the server. With too few lessons of either kind it gives no score.
"""

import json
import math
import re
import unicodedata
from pathlib import Path

from django.db import transaction
from django.db.models import F

from .models import SpamToken, SpamTrainingState

MIN_DOCUMENTS_PER_LABEL = 3
SEED_FILE = Path(__file__).parent / "data" / "spam_seed.json"
# Raise it when the seed changes, and every install learns the new one once.
SEED_VERSION = 1
WORD = re.compile(r"[^\W_]{2,30}", re.UNICODE)


def tokens(comment_text, website=""):
    text = unicodedata.normalize("NFKC", comment_text).casefold()
    words = set(WORD.findall(text))
    if "http" in text or "www" in text:
        words.add("__has_link__")
    if website:
        words.add("__has_website__")
    return sorted(words)[:500]


def _state():
    state, _ = SpamTrainingState.objects.get_or_create(pk=1)
    return state


@transaction.atomic
def train(texts, label):
    """Count the words of `texts` (pairs of body, website) as spam or ham."""
    column = "spam_count" if label == "spam" else "ham_count"
    counts = {}
    for body, website in texts:
        for token in tokens(body, website):
            counts[token] = counts.get(token, 0) + 1
    if not counts:
        return
    SpamToken.objects.bulk_create(
        [SpamToken(token=t) for t in counts], ignore_conflicts=True, batch_size=500
    )
    by_count = {}
    for token, count in counts.items():
        by_count.setdefault(count, []).append(token)
    for count, group in by_count.items():
        SpamToken.objects.filter(token__in=group).update(**{column: F(column) + count})
    documents = "spam_documents" if label == "spam" else "ham_documents"
    _state()
    SpamTrainingState.objects.filter(pk=1).update(**{documents: F(documents) + len(texts)})


def ensure_seeded():
    """The training totals, after learning the seed comments if this install has
    not yet (one query once it has)."""
    state = SpamTrainingState.objects.filter(pk=1).first()
    if state is not None and state.seed_version >= SEED_VERSION:
        return state
    with transaction.atomic():
        # Locked, so two processes starting at once learn the seed once.
        state, _ = SpamTrainingState.objects.select_for_update().get_or_create(pk=1)
        if state.seed_version < SEED_VERSION:
            seed = json.loads(SEED_FILE.read_text(encoding="utf-8"))
            train([(text, "") for text in seed["spam"]], "spam")
            train([(text, "") for text in seed["ham"]], "ham")
            SpamTrainingState.objects.filter(pk=1).update(seed_version=SEED_VERSION)
        state.refresh_from_db()
    return state


def score(body, website=""):
    """(probability of spam, reason in words) or (None, "") while untrained."""
    state = ensure_seeded()
    if (
        state.spam_documents < MIN_DOCUMENTS_PER_LABEL
        or state.ham_documents < MIN_DOCUMENTS_PER_LABEL
    ):
        return None, ""
    words = tokens(body, website)
    known = {t.token: t for t in SpamToken.objects.filter(token__in=words)}
    total = state.spam_documents + state.ham_documents
    log_spam = math.log(state.spam_documents / total)
    log_ham = math.log(state.ham_documents / total)
    evidence = []
    for word in words:
        row = known.get(word)
        spam_count = row.spam_count if row else 0
        ham_count = row.ham_count if row else 0
        if not spam_count and not ham_count:
            continue
        # Laplace smoothing: a word never seen with one label is not impossible.
        p_spam = (spam_count + 1) / (state.spam_documents + 2)
        p_ham = (ham_count + 1) / (state.ham_documents + 2)
        log_spam += math.log(p_spam)
        log_ham += math.log(p_ham)
        evidence.append((math.log(p_spam / p_ham), word))
    difference = max(min(log_ham - log_spam, 700), -700)
    probability = 1 / (1 + math.exp(difference))
    telling = [
        word.strip("_").replace("_", " ")
        for weight, word in sorted(evidence, reverse=True)
        if weight > 0
    ]
    reason = ""
    if telling:
        reason = "words often seen in spam here: " + ", ".join(telling[:5])
    return probability, reason
