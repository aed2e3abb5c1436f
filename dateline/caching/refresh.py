"""Renders beside the requests: a reader who finds an out-of-date copy is not kept waiting.

When the middleware finds a page's copy out of date (past its freshness, or
made by the previous release: never a purged one, which may be a removal)
and takes its render lock, it can answer the reader with that copy at once
and hand the render to this process's refresher thread instead of rendering
in the reader's request.
The render is the same one the request would have run (the rest of the
middleware chain, from the page cache inward), and it releases the lock when
it is done, so a change still costs one render, and the new copy is in
place a render's time after the first reader asked.

The queue is short on purpose: a burst of out-of-date pages beyond it (a
whole-site purge under load) is rendered the old way, by the requests,
rather than leaving readers on old copies for long.
"""

import logging
import queue

from django.db import close_old_connections

from dateline.operations.background import PerProcess, start_daemon

logger = logging.getLogger("dateline.caching")

QUEUE_SIZE = 64


class Refresher:
    def __init__(self, size=QUEUE_SIZE):
        self._jobs = queue.Queue(maxsize=size)
        self._thread = PerProcess(self._start)

    def submit(self, render):
        """Run `render()` in this process's refresher thread; False when its queue is full."""
        self._thread.ensure_started()
        try:
            self._jobs.put_nowait(render)
        except queue.Full:
            return False
        return True

    def _start(self):
        # A forked process inherits the parent's queue object, not its thread:
        # start over with an empty one.
        self._jobs = queue.Queue(maxsize=self._jobs.maxsize)
        start_daemon("dateline-page-refresh", self._run)

    def _run(self):
        while True:
            render = self._jobs.get()
            try:
                render()
            except Exception:  # one failed render must not stop the next ones
                logger.exception("background render failed")
            finally:
                # As Django does at the end of each request: this thread's
                # connection is closed when it is too old or broken.
                close_old_connections()


refresher = Refresher()
