"""64 first requests at the same moment for a new photo's renditions, on
PostgreSQL with media on a real S3 server: each rendition is rendered once,
stored once (one object in the bucket) and has one row.

Each of the 64 threads has a database connection of its own, as 64 requests
spread over several app machines would; the lock that makes them wait for one
another is in PostgreSQL (dateline/caching/renditions.py), so threads stand
for machines here. Renders are counted where Wagtail runs a filter.
"""

import json
import uuid

import pytest

from dateline.testing.requirements import require
from dateline.testing.servers import dateline
from dateline.testing.uploads import UploadSite

REQUESTS = 64
# As the article page's {% picture %} asks (several at once), and as feeds,
# share cards and newsletters ask (one at a time).
PICTURE = ["width-400|format-webp", "width-800|format-webp", "width-400|format-jpeg"]
SINGLE = "width-1200|format-jpeg"

FIRST_REQUESTS = r"""
import json, threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from django.db import connections
from wagtail.images import get_image_model
from wagtail.images.models import Filter

Image = get_image_model()
PICTURE, SINGLE, REQUESTS = {picture!r}, {single!r}, {requests}
renders, counting = Counter(), threading.Lock()
wagtail_run = Filter.run


def counted_run(self, image, output, source=None):
    with counting:
        renders[f"{{image.title}}|{{self.spec}}"] += 1
    return wagtail_run(self, image, output, source=source)


Filter.run = counted_run
start = threading.Barrier(REQUESTS)


def first_request(number):
    try:
        picture = Image.objects.get(title="Picture photo")
        single = Image.objects.get(title="Single photo")
        start.wait(timeout=60)
        urls = list(picture.get_renditions(*PICTURE).values())
        urls.append(single.get_rendition(SINGLE))
        return sorted(r.url for r in urls)
    finally:
        connections.close_all()


with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
    answers = list(pool.map(first_request, range(REQUESTS)))
print(json.dumps({{"renders": renders, "answers": len(set(map(tuple, answers)))}}))
"""

MAKE_PHOTOS = r"""
import io
from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from dateline.testing.uploads import png

for number, title in ((21, "Picture photo"), (22, "Single photo")):
    get_image_model()(title=title, file=ImageFile(io.BytesIO(png(number)), "breaking.png")).save()
"""


@pytest.fixture(scope="module")
def site(object_store):
    require("concurrency")
    bucket = object_store.create_bucket(f"renditions-{uuid.uuid4().hex[:8]}")
    with UploadSite("postgresql", workers=1, threads=2, extra_env=object_store.env(bucket)) as up:
        up.bucket = bucket
        yield up


def test_64_first_requests_render_each_rendition_once(site, object_store):
    dateline(site.env, "shell", "-c", MAKE_PHOTOS)
    script = FIRST_REQUESTS.format(picture=PICTURE, single=SINGLE, requests=REQUESTS)
    result = json.loads(dateline(site.env, "shell", "-c", script).stdout.splitlines()[-1])

    wanted = [f"Picture photo|{spec}" for spec in PICTURE] + [f"Single photo|{SINGLE}"]
    assert result["renders"] == dict.fromkeys(wanted, 1)
    assert result["answers"] == 1  # every request was given the same renditions
    rows = site.sql(
        "SELECT i.title, r.filter_spec, r.file FROM wagtailimages_rendition r"
        " JOIN wagtailimages_image i ON i.id = r.image_id"
    )
    assert sorted(f"{title}|{spec}" for title, spec, _ in rows) == sorted(wanted)
    # One object per rendition in the store: no render lost its race and left a file behind.
    assert object_store.keys(site.bucket, "images/") == sorted(file for _, _, file in rows)
