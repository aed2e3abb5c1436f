"""An image indexed by the upload request and by the worker at the same moment.

Wagtail indexes an uploaded image in the request (its image form reindexes after
saving) and again in the worker (the task the save queued). On SQLite, the
database `make run` uses, the index write was "look for the row, insert it if
none": two writers that both looked before either inserted both inserted, and
one failed the unique constraint, a 500 for the editor about 1 upload in 110.

The first test makes exactly that interleaving happen, every time: each of two
connections stops after its first look at the index until the other has
looked too (or two seconds have passed). The second uploads through the admin
of a real server with the worker running.
"""

import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from dateline.testing.migrated import migrated
from dateline.testing.servers import dateline
from dateline.testing.uploads import UploadSite, png

RACE = r"""
import json, threading
from django.db import connection
from wagtail.images import get_image_model
from wagtail.search import index
from wagtail.search.models import IndexEntry

Image = get_image_model()


def meet_after_first_look(barrier):
    looked = False

    def wrapper(execute, sql, params, many, context):
        nonlocal looked
        result = execute(sql, params, many, context)
        first_look = sql.lstrip().upper().startswith("SELECT") and "wagtailsearch_indexentry" in sql
        if first_look and not looked:
            looked = True
            try:
                barrier.wait(timeout=2)
            except threading.BrokenBarrierError:
                pass  # the other writer waits for this one: no race to arrange
        return result

    return wrapper


def index_it(image, barrier, errors):
    try:
        with connection.execute_wrapper(meet_after_first_look(barrier)):
            index.insert_or_update_object(image)
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
    finally:
        connection.close()


# Stored without being indexed (no signal, no task): the request and the worker
# then index it at once.
images = Image.objects.bulk_create(
    Image(title=f"Race {n}", file=f"original_images/race-{n}.png", width=64, height=48)
    for n in range(3)
)
errors = []
for image in images:
    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=index_it, args=(image, barrier, errors)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
from django.contrib.contenttypes.models import ContentType
image_type = ContentType.objects.get_for_model(Image)
rows = [
    IndexEntry.objects.filter(content_type=image_type, object_id=str(image.pk)).count()
    for image in images
]
print(json.dumps({"errors": errors, "rows": rows}))
"""


@pytest.fixture(scope="module")
def sqlite_env(tmp_path_factory):
    env = {
        **os.environ,
        "DATELINE_VAR_DIR": str(tmp_path_factory.mktemp("race")),
        "SECRET_KEY": "race-test-only-secret-key-not-for-production-0123456789",
        "DJANGO_SETTINGS_MODULE": "dateline.settings",
        "LOG_LEVEL": "CRITICAL",
    }
    env.pop("DATABASE_URL", None)  # the embedded SQLite file, as `make run` has
    migrated(env)
    return env


def test_one_image_indexed_by_two_connections_at_once_makes_one_row_and_no_error(sqlite_env):
    result = dateline(sqlite_env, "shell", "-c", RACE)
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["rows"] == [1, 1, 1]


UPLOADS = 150
EDITORS = 4


def test_editors_uploading_with_the_worker_running_store_each_image_once():
    """The numbers for 500 uploads are `bench/image_uploads.py`'s (docs/newsroom.md)."""
    with UploadSite("sqlite") as site:
        sessions = [site.session() for _ in range(EDITORS)]

        def send(n):
            return sessions[n % EDITORS].upload_image(f"Upload {n:04d}", png(n))[0]

        with ThreadPoolExecutor(max_workers=EDITORS) as pool:
            statuses = list(pool.map(send, range(UPLOADS)))
        site.wait_for_worker()
        outcome = site.outcome()

    assert statuses == [302] * UPLOADS  # every upload stored, none an error
    assert outcome.images == UPLOADS and outcome.titles_stored_twice == []
    assert outcome.index_rows == UPLOADS
    assert outcome.images_indexed_twice == [] and outcome.images_not_indexed == 0
    assert outcome.failed_tasks == []
    assert outcome.server_errors == []
