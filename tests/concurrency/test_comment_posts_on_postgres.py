"""200 simultaneous comment posts, some repeating the same form submission,
against the real server on PostgreSQL: every accepted post is exactly one row."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest

from dateline.testing.comments import CommentServer
from dateline.testing.requirements import require

UNIQUE_SUBMISSIONS = 140
REPEATS = 60  # double clicks and retries of submissions already in flight


@pytest.fixture(scope="module")
def server():
    require("concurrency")
    with CommentServer("dateline_comments_concurrency", workers=2, threads=16) as running:
        yield running


def test_simultaneous_posts_and_repeats_commit_exactly_one_row_each(server):
    tokens = [server.form_token() for _ in range(UNIQUE_SUBMISSIONS)]
    posts = [(i, token) for i, token in enumerate(tokens)]
    posts += [(i % 20, tokens[i % 20]) for i in range(REPEATS)]  # 20 tokens sent 4 times
    assert len(posts) == 200
    start = Barrier(len(posts))

    def send(post):
        index, token = post
        start.wait()
        status, headers, _ = server.post_comment(
            token, comment=f"Submission {index}", email=f"reader{index}@example.org"
        )
        return index, status, headers.get("X-Comment-Outcome"), headers.get("Location", "")

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        results = list(pool.map(send, posts))

    assert Counter(status for _, status, _, _ in results) == {303: 200}
    outcomes = Counter(outcome for _, _, outcome, _ in results)
    assert outcomes == {"created": UNIQUE_SUBMISSIONS, "already_received": REPEATS}

    rows = server.sql("SELECT body, idempotency_key FROM comments_comment")
    assert len(rows) == outcomes["created"]
    assert sorted(body for body, _ in rows) == sorted(
        f"Submission {i}" for i in range(UNIQUE_SUBMISSIONS)
    )
    # Every repeat was answered with the comment its first copy created.
    anchors = {}
    for index, _, _, location in results:
        anchors.setdefault(index, set()).add(location.rsplit("#", 1)[-1])
    assert all(len(found) == 1 for found in anchors.values())
