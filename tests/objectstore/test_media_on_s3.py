"""Media on a real S3 server: an editor's upload goes to the bucket, and readers
fetch the article's photo from S3_MEDIA_URL with a year-long cache lifetime.

The server runs as an app machine of a cluster would: `dateline serve` with
S3_* set, SeaweedFS started by the test (dateline/testing/servers.py), nothing
served from the app's own disk.
"""

import json
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from dateline.operations.objectstore import CACHE_CONTROL
from dateline.testing.servers import dateline, fetch
from dateline.testing.uploads import UploadSite, png

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
MAKE_LEAD_IMAGE = """
from wagtail.images import get_image_model
from dateline.news.models import ArticlePage
article = ArticlePage.objects.get(url_path__endswith="/president-heads-north-for-skarholm-summit/")
article.lead_image = get_image_model().objects.get(title="Harbour wall at dawn")
article.save_revision().publish()
"""


@pytest.fixture(scope="module")
def bucket(object_store):
    return object_store.create_bucket(f"newsroom-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="module")
def site(object_store, bucket):
    env = object_store.env(bucket)
    with UploadSite("sqlite", extra_env=env, prepare=[("load_demo",)]) as running:
        yield running


def test_an_upload_through_the_admin_is_stored_in_the_bucket(site, object_store, bucket):
    photo = png(11)
    status, _ = site.session().upload_image("Harbour wall at dawn", photo, "harbour-wall.png")
    assert status == 302

    name = site.sql("SELECT file FROM wagtailimages_image WHERE title = 'Harbour wall at dawn'")
    (stored,) = [key for (key,) in name]
    assert stored in object_store.keys(bucket, "original_images/harbour-wall")
    head = object_store.client().head_object(Bucket=bucket, Key=stored)
    assert head["CacheControl"] == CACHE_CONTROL
    assert head["ContentType"] == "image/png"
    # Nothing was written to the app machine's own media folder.
    local = Path(site.env["DATELINE_VAR_DIR"]) / "media"
    assert not local.exists() or not [path for path in local.rglob("*") if path.is_file()]


def test_the_article_photo_is_fetched_from_the_store_with_a_long_cache_lifetime(
    site, object_store, bucket
):
    if not site.sql("SELECT 1 FROM wagtailimages_image WHERE title = 'Harbour wall at dawn'"):
        site.session().upload_image("Harbour wall at dawn", png(11), "harbour-wall.png")
    dateline(site.env, "shell", "-c", MAKE_LEAD_IMAGE)
    media_url = f"{object_store.endpoint_url}/{bucket}/"

    status, headers, body = fetch(site.url + ARTICLE)
    assert status == 200
    page = BeautifulSoup(body, "html.parser")
    # The story's photos (the demo's, stored by `dateline load_demo`) and its share
    # image (the editor's upload, now its lead image) are all in the store.
    sources = [img["src"] for img in page.select("main img")]
    share = page.select_one('meta[property="og:image"]')["content"]
    assert sources and all(src.startswith(media_url) for src in sources)
    assert share.startswith(media_url + "images/harbour-wall")
    # The reader's browser may load them: the page's policy names the store.
    policy = headers["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert f"{urlsplit(media_url).scheme}://{urlsplit(media_url).netloc}" in img_src.split()

    for address in (sources[0], share):
        status, photo_headers, photo = fetch(address, decode=False)
        assert status == 200
        assert photo_headers["Cache-Control"] == CACHE_CONTROL
        assert photo_headers["Content-Type"].startswith("image/")
        key = address.removeprefix(media_url)
        assert photo == object_store.client().get_object(Bucket=bucket, Key=key)["Body"].read()
    # The app serves no media of its own.
    assert fetch(site.url + "/media/" + key)[0] == 404
    errors = [line for line in site.server.json_log() if line.get("level") == "ERROR"]
    assert not errors, json.dumps(errors)[:2000]
