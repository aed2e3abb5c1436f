"""Each worker's note of what it handed over, written before the database hears of it.

A worker claims a batch of deliveries in the database, then notes each hand-over
in a small file of its own, one line per event, with a single `write()`:

    T <id>          the message is on the wire; the "." that commits it comes next
    S <id>          the server said 250: taken
    R <id> <code>   a temporary refusal (4xx): try again later
    F <id> <code>   a permanent refusal (5xx): the address bounces
    K <id>          skipped: the reader left (or was suppressed) after the claim

At the end of the batch the outcomes go to the database in one transaction
and the file is deleted. A worker killed mid-batch leaves its file behind,
still naming its claim. The kernel drops a dead process's lock at once, so the
next worker on the machine (the restarted one) takes the lock and reads the
file: each outcome is applied, a `T` without an outcome counts as sent (the
"." had been written), and the rest of the claim goes back to the queue.

The writes survive the process being killed (they are in the kernel's page
cache); an operating-system crash may lose the last ones, which is why
NEWSLETTERS_JOURNAL_FSYNC exists.
"""

import contextlib
import fcntl
import os
from pathlib import Path

from django.conf import settings

SUFFIX = ".journal"


def directory():
    path = Path(settings.NEWSLETTERS_JOURNAL_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


class Journal:
    def __init__(self, claim_id, fd, path):
        self.claim_id = claim_id
        self.fd = fd
        self.path = path
        self.fsync = settings.NEWSLETTERS_JOURNAL_FSYNC

    @classmethod
    def create(cls, claim_id):
        path = directory() / f"{claim_id}{SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return cls(claim_id, fd, path)

    def note(self, line):
        os.write(self.fd, line)
        if self.fsync:
            os.fsync(self.fd)

    def tried(self, delivery_id):
        self.note(b"T %d\n" % delivery_id)

    def sent(self, delivery_id):
        self.note(b"S %d\n" % delivery_id)

    def retry(self, delivery_id, code):
        self.note(b"R %d %d\n" % (delivery_id, code))

    def failed(self, delivery_id, code):
        self.note(b"F %d %d\n" % (delivery_id, code))

    def skipped(self, delivery_id):
        self.note(b"K %d\n" % delivery_id)

    def close(self, remove=True):
        if remove:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        os.close(self.fd)


def read(path):
    """{delivery id: (event, code)} from a journal file; the last word on each id wins,
    except that a T is never forgotten (a later R after a T cannot happen)."""
    events = {}
    for line in path.read_bytes().splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[1].isdigit():
            continue  # a torn last line: the process died while writing it
        event, delivery_id = parts[0].decode(), int(parts[1])
        code = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
        events[delivery_id] = (event, code)
    return events


def orphans():
    """Journals whose writer is dead, each locked by us: [(claim id, path, fd)]."""
    found = []
    for path in sorted(directory().glob(f"*{SUFFIX}")):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue  # finished meanwhile
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)  # its worker is alive
            continue
        if not path.exists():
            os.close(fd)
            continue
        found.append((int(path.name[: -len(SUFFIX)]), path, fd))
    return found


def local_claims():
    """Claim ids with a journal on this machine (live or not)."""
    return {int(p.name[: -len(SUFFIX)]) for p in directory().glob(f"*{SUFFIX}")}
