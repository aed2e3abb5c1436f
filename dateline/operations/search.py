"""The search index, written once per object however many processes index it at once.

Wagtail indexes an uploaded image twice: the upload request itself (the image
form reindexes after saving) and the worker, which runs the task the save
queued (`insert_or_update_object_task`). Both often run within the same few
milliseconds. On PostgreSQL the database backend writes an index row with one
upsert (`INSERT … ON CONFLICT DO UPDATE`), which cannot collide. On SQLite (the
embedded run) it looks for the row first and inserts it when none was found,
as two statements: two writers that both looked before either inserted both
insert, and the second fails the unique (content type, object) constraint;
the editor got a 500 after their image had been stored.

This backend is Wagtail's database backend with each write made one
transaction. With Dateline's SQLite settings (`transaction_mode: IMMEDIATE`),
a transaction takes the database's write lock when it begins, so the second
writer waits for the first to commit, then finds its row and updates it.
PostgreSQL's upsert is left as it is.
"""

from functools import cache

from django.db import connections, router, transaction
from wagtail.search.backends.database import SearchBackend as database_backend
from wagtail.search.models import IndexEntry

# Backends whose index write is a single upsert statement.
UPSERTING_VENDORS = {"postgresql"}


class OneWriteAtATime:
    """Each add (one object, or a batch) is a transaction of its own."""

    def _index_transaction(self):
        return transaction.atomic(using=router.db_for_write(IndexEntry))

    def add(self, obj):
        with self._index_transaction():
            super().add(obj)

    def add_bulk(self, model, obj_list):
        with self._index_transaction():
            super().add_bulk(model, obj_list)


@cache
def one_write_at_a_time(backend_class):
    return type(f"OneWriteAtATime{backend_class.__name__}", (OneWriteAtATime, backend_class), {})


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    """Wagtail's database backend for this database, writing one object at a time."""
    chosen = database_backend(params)  # PostgreSQL's, SQLite's (FTS5) or the fallback
    if connections[router.db_for_write(IndexEntry)].vendor in UPSERTING_VENDORS:
        return chosen
    return one_write_at_a_time(type(chosen))(params)
