"""Per-process memos: values every page reads and editors rarely change.

A page view needs the site for its host and the section menu, and an article
needs the comment policy overrides; looking them up costs queries on every
render, yet they change only when an administrator edits them. A
`ProcessMemo` keeps such a value in each process's memory and loads it again
when any process says it changed (`changed()`, after the commit):

- **with Redis**, the change is announced on the notice channel
  (broadcast.py): every listening process drops the value at once, and
  reading it costs nothing at all;
- **without a listening subscription** (the embedded run has no Redis; Redis
  may be down), each process compares a shared generation stamp instead,
  read from the cache at most once per request for all memos together, and
  uses a value for at most `max_age` seconds (the stamp is unreadable while
  the cache is down).

A render that outlives a change it may have missed is not stored by the page
cache (`changes_seen()`, caching/middleware.py): the notice of a change is
published right after its commit, while pages rendered before it arrives
may still show the old value.
"""

import itertools
import threading
import time

from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import transaction

from dateline.operations import replicas
from dateline.operations.redis import client_for

from . import broadcast

GENERATION_KEY = "memo:generation"
MISSING = object()

_changes = itertools.count(1)
_last_change = 0  # moves with each memo change this process applies (see changes_seen)
_memos = []


class ProcessMemo:
    def __init__(self, name, load, max_age, max_entries=64, alias="default"):
        """`load(key, *args)` gives the value for a key; at most `max_entries` keys are kept."""
        self.name = name
        self.load = load
        self.max_age = max_age
        self.max_entries = max_entries
        self.alias = alias
        self._entries = {}  # key -> (value, loaded at (monotonic), generation)
        self._drops = 0  # bumped by each drop, so a load that overlaps one is not kept
        self._lock = threading.Lock()
        self._listening = False
        _memos.append(self)

    def __len__(self):
        return len(self._entries)

    def get(self, key=None, *args):
        """The value for `key`; `args` go to `load` when it must be loaded."""
        if self.max_age <= 0:
            return self.load(key, *args)
        listener = self._listener()
        listening = listener is not None and listener.is_listening
        generation = None if listening else _shared_generation(self.alias)
        entry = self._entries.get(key)
        if entry is not None and self._is_current(entry, listening, generation):
            return entry[0]
        drops = self._drops
        # Kept for every reader of this process: read where the change surely is.
        with replicas.on_primary():
            value = self.load(key, *args)
        with self._lock:
            if drops == self._drops:
                if len(self._entries) >= self.max_entries:
                    self._entries = {}
                self._entries[key] = (value, time.monotonic(), generation)
        return value

    def _is_current(self, entry, listening, generation):
        if listening:
            return True  # a change would have dropped it
        _value, loaded_at, loaded_generation = entry
        return loaded_generation == generation and time.monotonic() - loaded_at < self.max_age

    def changed(self):
        """Call where the value's source changes: every process loads it again after the commit."""
        self.forget()
        transaction.on_commit(self._announce)

    def _announce(self):
        _count_change()
        self.forget()
        caches[self.alias].set(GENERATION_KEY, time.time_ns(), None)
        broadcast.announce_memo_change(self.name, self.alias)

    def forget(self):
        """Drop the value in this process only."""
        with self._lock:
            self._entries = {}
            self._drops += 1

    def _listener(self):
        """This process's notice listener, started; None when the cache is not Redis."""
        if client_for(self.alias) is None:
            return None
        listener = broadcast.process_listener()
        if not self._listening:
            listener.on(broadcast.MEMOS, _drop_named)
            listener.on_reset(forget_all)
            self._listening = True
        listener.ensure_started()
        return listener


def _count_change():
    global _last_change
    _last_change = next(_changes)


def _drop_named(name):
    # A change another process announced. (A subscription reset drops values
    # too, but values read while not listening were checked against the
    # shared generation, so a reset is no reason to doubt a render.)
    _count_change()
    for memo in _memos:
        if memo.name == name:
            memo.forget()


def forget_all():
    """Drop every memo's values in this process (notices may have been missed)."""
    for memo in _memos:
        memo.forget()


def changes_seen():
    """A number that moves with each memo change this process applies: compare two readings."""
    return _last_change


# The shared generation is read at most once per request, for every memo.
_request = threading.local()


def _shared_generation(alias):
    if getattr(_request, "active", False):
        generation = _request.generations.get(alias, MISSING)
        if generation is MISSING:
            generation = _request.generations[alias] = caches[alias].get(GENERATION_KEY)
        return generation
    return caches[alias].get(GENERATION_KEY)


def _request_started(**kwargs):
    _request.active = True
    _request.generations = {}


def _request_finished(**kwargs):
    _request.active = False


request_started.connect(_request_started, dispatch_uid="dateline-memo-request-started")
request_finished.connect(_request_finished, dispatch_uid="dateline-memo-request-finished")
