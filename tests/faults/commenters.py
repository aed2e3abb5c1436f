"""Readers posting comments through an article's real form, as a browser with JavaScript does.

The form is read from the served article page: where it posts, and where its
signed form token (the submission's idempotency key) comes from. A reader
fetches a token when they start writing and posts at least
COMMENTS_MIN_SECONDS_TO_SUBMIT later, from their own address (nginx's
X-Forwarded-For, believed from 127.0.0.1) and with their own email, so the
per-reader limits count each reader separately.
"""

import collections
import itertools
import json
import re
import time
import urllib.parse
import uuid
from dataclasses import dataclass

from bs4 import BeautifulSoup

from dateline.testing.servers import dateline, fetch

from .services import Crowd, browser

# The server's COMMENTS_MIN_SECONDS_TO_SUBMIT (the default): a form posted
# sooner than this after its token was issued is sent back as "too quick".
MIN_SECONDS_TO_SUBMIT = 3.2
ACKNOWLEDGED = {"created", "already_received"}
# Shared by every form and thread (next() on it is atomic), so no two readers
# in a test write the same comment from the same email, which is refused.
_readers = itertools.count(1)


@dataclass
class Submission:
    """One filled-in form, and what the server answered when it was last sent."""

    body: str
    email: str
    address: str
    token: str
    token_at: float
    status: int = 0
    outcome: str = ""  # X-Comment-Outcome of an acknowledgement
    comment_id: int | None = None  # from the acknowledgement's #comment-N
    page: str = ""
    sent_at: float = 0.0
    answered_at: float = 0.0

    @property
    def acknowledged(self):
        return self.status == 303 and self.outcome in ACKNOWLEDGED


class CommentForm:
    """The comment form of one article, as one server serves it."""

    def __init__(self, server_url, article_path):
        self.server_url = server_url
        status, _, page = fetch(server_url + article_path)
        assert status == 200, f"article page answered {status}"
        form = BeautifulSoup(page, "html.parser").select_one("form.comment-form")
        self.action = server_url + form["action"]
        self.token_url = server_url + form["data-token-url"]

    def start_writing(self, run, address=None, email=None):
        """A reader starts a comment: the page fetches its form token now."""
        n = next(_readers)
        status, _, answer = fetch(self.token_url)
        assert status == 200, f"form token answered {status}: {answer[:200]}"
        return Submission(
            body=f"Comment {n} of fault run {run}: the Skarholm quotas need a second look.",
            email=email or f"reader-{run}-{n}@example.org",
            address=address or f"2001:db8:{n // 65536:x}:{n % 65536:x}::1",
            token=json.loads(answer)["token"],
            token_at=time.monotonic(),
        )

    def send(self, submission):
        """Post the form once (again, for a reader who goes back and resends it)."""
        fields = {
            "comment": submission.body,
            "name": "Fault Test Reader",
            "email": submission.email,
            "website": "",
            "parent": "",
            "form_token": submission.token,
            "homepage_confirm": "",
        }
        wait = submission.token_at + MIN_SECONDS_TO_SUBMIT - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        submission.sent_at = time.monotonic()
        status, headers, page = fetch(
            self.action,
            data=urllib.parse.urlencode(fields).encode(),
            opener=browser(),
            timeout=20,
            headers={"Origin": self.server_url, "X-Forwarded-For": submission.address},
        )
        submission.answered_at = time.monotonic()
        submission.status, submission.page = status, page
        submission.outcome = headers.get("X-Comment-Outcome", "") if status else ""
        anchor = re.search(r"#comment-(\d+)$", headers.get("Location", "") if status else "")
        submission.comment_id = int(anchor.group(1)) if anchor else None
        return submission


class Commenters(Crowd):
    """Readers posting comments continuously from a few threads, each post a new reader."""

    def __init__(self, form, threads=4, pause=0.05):
        super().__init__(threads)
        self.form = form
        self.run = uuid.uuid4().hex[:10]
        self.pause = pause
        self.sent = []  # every Submission, in the order they were answered

    def work(self, number):
        # Forms started a moment ago wait until they are old enough to post.
        writing = collections.deque()
        while not self.stopping:
            writing.append(self.form.start_writing(self.run))
            if writing[0].token_at + MIN_SECONDS_TO_SUBMIT > time.monotonic():
                time.sleep(0.1)
                continue
            self.sent.append(self.form.send(writing.popleft()))
            time.sleep(self.pause)


def stored_comments(env, run):
    """{body: [(comment id, status, verification tasks queued for it), ...]} for one run."""
    script = (
        "import json;"
        "from dateline.comments.models import Comment;"
        "from django_tasks_db.models import DBTaskResult;"
        f"rows = list(Comment.objects.filter(body__contains={run!r})"
        ".values_list('body', 'id', 'status'));"
        "queued = [t['args'][0] for t in DBTaskResult.objects"
        ".filter(task_path__endswith='send_verification_link')"
        ".values_list('args_kwargs', flat=True)];"
        "print(json.dumps([[b, i, s, queued.count(i)] for b, i, s in rows]))"
    )
    rows = json.loads(dateline(env, "shell", "-c", script).stdout.splitlines()[-1])
    stored = collections.defaultdict(list)
    for body, comment_id, status, tasks in rows:
        stored[body].append((comment_id, status, tasks))
    return stored
