"""Work a server process does beside its requests, started once in each process.

The production server loads Dateline and then forks its workers, and a
thread does not survive a fork: whatever a process runs in the background
(the purge listener, the page-file sweeper, the request-log writer) must be
started in the process that uses it, the first time it is needed there.
`PerProcess` does exactly that, for any starter function; `start_daemon`
is the thread itself.
"""

import os
import threading


class PerProcess:
    """Calls `start()` once in each process, on the first `ensure_started()` there."""

    def __init__(self, start):
        self._start = start
        self._pid = None
        self._lock = threading.Lock()

    @property
    def started_here(self):
        return self._pid == os.getpid()

    def ensure_started(self):
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._start()
            self._pid = os.getpid()

    def forget(self):
        """The next `ensure_started()` starts again (after the started work was stopped)."""
        self._pid = None


def start_daemon(name, target, *args):
    """A daemon thread running `target(*args)`: it never holds the process open at exit."""
    thread = threading.Thread(target=target, args=args, name=name, daemon=True)
    thread.start()
    return thread
