"""Nobody waits for a render after a change: the worker renders it, readers get a copy meanwhile.

A real server and worker on a private Redis (dateline/testing/warming.py).
Editors' changes are made in a `dateline shell` of the stack, as the admin's
save does; readers are plain HTTP requests to the app server. What a reader
would notice: the page they get (the change in it), and whether a render
stood in their request's way (`X-Cache: MISS`); what the newsroom would
notice: the renders the server and the worker logged.
"""

import threading
import time
from collections import Counter

import pytest

from dateline.testing.requirements import require
from dateline.testing.servers import fetch
from dateline.testing.warming import WarmingStack, rendered_paths

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
SLUG = "president-heads-north-for-skarholm-summit"
EDIT = f"""
from dateline.news.models import ArticlePage
article = ArticlePage.objects.get(slug={SLUG!r})
{{change}}
article.save_revision().publish()
"""


@pytest.fixture(scope="module")
def stack():
    require("live")  # a private redis-server, as the live suite's
    stack = WarmingStack()
    try:
        stack.app = stack.serve()
        stack.first_worker = stack.worker()
        # Readers have been here: the worker renders for the address they used.
        for path in (ARTICLE, "/"):
            assert fetch(stack.app.url + path)[0] == 200
        yield stack
    finally:
        stack.stop()


def renders(stack, path, *processes):
    return sum(rendered_paths(p).count(path) for p in processes or (stack.app, stack.first_worker))


def wait_for_render(process, path, count, timeout=60):
    deadline = time.monotonic() + timeout
    while rendered_paths(process).count(path) < count:
        assert time.monotonic() < deadline, f"{path} rendered {count}x: {rendered_paths(process)}"
        time.sleep(0.2)


def test_after_a_publish_the_worker_renders_the_article_and_the_front(stack):
    worker = stack.first_worker
    before = {path: rendered_paths(worker).count(path) for path in (ARTICLE, "/")}
    app_before = rendered_paths(stack.app).count(ARTICLE)
    stack.django(EDIT.format(change="article.deck = 'Talks moved to the harbour hall.'"))
    for path in (ARTICLE, "/"):
        wait_for_render(worker, path, before[path] + 1)
        status, headers, body = fetch(stack.app.url + path)
        assert (status, headers["X-Cache"]) == (200, "HIT"), path
    assert "Talks moved to the harbour hall." in fetch(stack.app.url + ARTICLE)[2]
    # The server itself never rendered it: no reader waited.
    assert rendered_paths(stack.app).count(ARTICLE) == app_before


def test_a_correction_and_an_approved_comment_are_warmed_too(stack):
    worker = stack.first_worker
    before = rendered_paths(worker).count(ARTICLE)
    stack.django(
        EDIT.format(
            change="from dateline.news.models import ArticleNote\n"
            "article.notes.add(ArticleNote(text='The summit opens on Tuesday, not Monday.'))"
        )
    )
    wait_for_render(worker, ARTICLE, before + 1)
    status, headers, body = fetch(stack.app.url + ARTICLE)
    assert headers["X-Cache"] == "HIT"
    assert "The summit opens on Tuesday, not Monday." in body

    stack.django(
        "from dateline.comments.models import Comment, Status\n"
        "from dateline.news.models import ArticlePage\n"
        f"Comment.objects.create(article=ArticlePage.objects.get(slug={SLUG!r}), name='Ilse',"
        " email='ilse@example.org', body='Finally, the harbour hall.', status=Status.APPROVED)"
    )
    wait_for_render(worker, ARTICLE, before + 2)
    status, headers, body = fetch(stack.app.url + ARTICLE)
    assert headers["X-Cache"] == "HIT"
    assert "Finally, the harbour hall." in body


class Readers:
    """Threads reading one page until stopped; every response's X-Cache counted."""

    def __init__(self, url, threads=4):
        self.url, self.outcomes, self.stopped = url, Counter(), threading.Event()
        self.threads = [threading.Thread(target=self._read) for _ in range(threads)]
        for thread in self.threads:
            thread.start()

    def _read(self):
        while not self.stopped.is_set():
            status, headers, _ = fetch(self.url, timeout=30)
            self.outcomes[(status, headers.get("X-Cache"))] += 1

    def stop(self):
        self.stopped.set()
        for thread in self.threads:
            thread.join()
        return self.outcomes


def test_readers_during_a_publish_get_a_copy_at_once_and_the_change_is_rendered_once(stack):
    before = renders(stack, ARTICLE)
    readers = Readers(stack.app.url + ARTICLE)
    try:
        stack.django(EDIT.format(change="article.deck = 'Both delegations have arrived.'"))
        deadline = time.monotonic() + 30
        while "Both delegations have arrived." not in fetch(stack.app.url + ARTICLE)[2]:
            assert time.monotonic() < deadline, "the change never showed"
            time.sleep(0.1)
        time.sleep(2)  # the worker's warming of the article came and found it done
    finally:
        outcomes = readers.stop()
    assert renders(stack, ARTICLE) == before + 1
    # Every reader got a page; at most the one who asked before the worker came
    # waited for the render (a purge may be a removal: see docs/caching.md).
    assert {status for status, _ in outcomes} == {200}
    assert outcomes[(200, "MISS")] <= 1, outcomes
    assert outcomes[(200, "HIT")] > 10, outcomes


def test_a_new_release_serves_the_previous_copy_while_its_own_renders(stack):
    new_app = stack.serve(release="second")
    # The address readers use, as nginx passes it to whichever server it sends them to.
    public = {"Host": stack.app.url.removeprefix("http://")}
    status, headers, body = fetch(new_app.url + ARTICLE, headers=public)
    # Made by the first release; the page's content is current.
    assert (status, headers["X-Cache"]) == (200, "STALE")
    assert "Both delegations have arrived." in body
    deadline = time.monotonic() + 30
    while fetch(new_app.url + ARTICLE, headers=public)[1]["X-Cache"] != "HIT":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert rendered_paths(new_app).count(ARTICLE) == 1

    # The new release's worker warms what readers have not asked for yet.
    new_worker = stack.worker(release="second")
    wait_for_render(new_worker, "/", 1)
    assert fetch(new_app.url + "/", headers=public)[1]["X-Cache"] == "HIT"
    assert "release second: " in new_worker.log()
    # Warmed once: what the server rendered, the worker found fresh.
    assert rendered_paths(new_app).count(ARTICLE) + rendered_paths(new_worker).count(ARTICLE) == 1
