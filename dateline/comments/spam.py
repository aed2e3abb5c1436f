"""A local spam score: naive Bayes over words, trained on moderators' decisions.

Approving a comment teaches the classifier "ham", marking it spam teaches
"spam". Nothing leaves the server. Until it has seen a few of each, it gives
no score at all rather than guess.
"""

import math
import re
import unicodedata

from django.db import transaction
from django.db.models import F

from .models import SpamToken, SpamTrainingState

MIN_DOCUMENTS_PER_LABEL = 3
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


def score(body, website=""):
    """(probability of spam, reason in words) or (None, "") while untrained."""
    state = SpamTrainingState.objects.filter(pk=1).first()
    if (
        state is None
        or state.spam_documents < MIN_DOCUMENTS_PER_LABEL
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
