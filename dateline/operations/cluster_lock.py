"""One holder at a time across every machine, held in the shared database.

    with only_one("scheduled-publishing") as mine:
        if mine:
            ...  # no other process anywhere is inside this block

On PostgreSQL it is a session advisory lock: taken without waiting (whoever
holds it is doing the work already), and let go by the database itself if the
holder's process dies. SQLite is one machine's database; the embedded run has
one worker, so there it always says yes.
"""

import contextlib
import hashlib

from django.db import DEFAULT_DB_ALIAS, connections


def _key(name):
    # Advisory locks are keyed by a 64-bit integer; a name is easier to read.
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextlib.contextmanager
def only_one(name, using=DEFAULT_DB_ALIAS):
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield True
        return
    key = _key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        mine = cursor.fetchone()[0]
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
