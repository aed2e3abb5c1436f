"""The embedded run's shared cache: diskcache, kept open between requests.

Without Redis, the worker processes of the embedded server share their cache
(pages, purge markers, memos, rendered fragments) on disk. diskcache keeps it
in SQLite files: a write costs about a third of Django's file cache's, and it
never lists the folder to count its entries, which Django's file cache does
on every write (so its writes slow down as the cache fills).

Django closes every cache when a request finishes (`close_caches`). For
diskcache that closes its SQLite connections, and each request then opened
them again, with their pragmas: 5 ms a request on the demo article. A
connection belongs to its thread and process (diskcache checks the pid, so a
forked worker opens its own), so keeping it open is safe.
"""

from diskcache import DjangoCache

BACKEND = "dateline.operations.disk_cache.DiskCache"


class DiskCache(DjangoCache):
    def close(self, **kwargs):
        """Keep the connections: called after every request, not at shutdown."""
