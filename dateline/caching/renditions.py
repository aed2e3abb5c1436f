"""Each rendition rendered once, however many machines ask for it at the same moment.

A new photo on the front page the night a story breaks: every app process's
first readers ask for the same renditions at once. Wagtail finds none, and
each request renders them all and uploads its files; the unique constraint on
(image, filter_spec, focal_point_key) keeps one row, and the other renders
are wasted CPU and orphaned objects in the store.

On PostgreSQL (the only database several machines share) creation takes a
transaction-level advisory lock per image first, so one request renders and
the others wait for it, then find its rows. The lock lives in the database
that holds the rows: nothing to expire, released on commit or when a process
dies, and no second service that could be down. On SQLite (one machine,
the embedded run) Wagtail's own behaviour is kept as it is.
"""

import zlib

from django.db import connections, router, transaction
from django.db.models import Q

# The advisory lock's first key: Dateline's renditions, apart from any other lock.
LOCK_NAMESPACE = zlib.crc32(b"dateline.caching.renditions") - 2**31


def lock_key(image_pk):
    """(namespace, image) as the two int4 keys of pg_advisory_xact_lock."""
    return LOCK_NAMESPACE, image_pk % 2**32 - 2**31


def stored_renditions(image, filters, using):
    """{filter: rendition} for those of `filters` already in the database."""
    by_spec = {f.spec: f for f in filters}
    wanted = Q()
    for f in filters:
        wanted |= Q(filter_spec=f.spec, focal_point_key=f.get_cache_key(image))
    found = {}
    rendition_model = image.get_rendition_model()
    for rendition in rendition_model.objects.using(using).filter(wanted, image_id=image.pk):
        rendition.image = image  # the caller's instance: no query for it later
        found[by_spec[rendition.filter_spec]] = rendition
    return found


def create_once(image, filters, create):
    """Wagtail's `create(*filters)`, run by one request per image at a time.

    Whoever held the lock before may have made some of `filters`: those are
    read, not rendered again. Reads go to the database the rows are written
    to, never a replica that may not have them yet.
    """
    using = router.db_for_write(image.get_rendition_model(), instance=image)
    connection = connections[using]
    if connection.vendor != "postgresql":
        return create(*filters)
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", lock_key(image.pk))
        made = stored_renditions(image, filters, using)
        missing = [f for f in filters if f not in made]
        if missing:
            made.update(create(*missing))
    return made
