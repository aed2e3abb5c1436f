"""The import with media on an S3 store (S3_BUCKET set): photos go to the bucket
through the storage API, and the imported story's figure is served from it."""

from urllib.request import urlopen

from django.conf import settings

from dateline.importer.models import ImportRecord
from dateline.news.models import ArticlePage
from dateline.news.tests.html import parse

from .conftest import SITE_EXPORT, run_import


def test_photos_are_imported_into_the_bucket(db, object_store, s3_media, uploads, client):
    first = run_import(SITE_EXPORT, "--uploads", str(uploads))
    assert first.status == 0, first.output

    record = ImportRecord.objects.get(kind="post", wordpress_id="201")
    story = ArticlePage.objects.get(pk=record.object_id)
    photo = story.lead_image
    originals = object_store.keys(s3_media, "original_images/")
    assert photo.file.name in originals
    with photo.file.open("rb") as stored:
        assert stored.read() == (uploads / "2025/08/storm-quay.jpg").read_bytes()
    assert (photo.width, photo.height) == (160, 100)

    figure = parse(client.get(story.url)).select_one(".article-body figure.figure img")
    assert figure["src"].startswith(settings.MEDIA_URL)
    with urlopen(figure["src"], timeout=10) as served:  # noqa: S310 - the test's own store
        key = figure["src"].removeprefix(settings.MEDIA_URL)
        body = object_store.client().get_object(Bucket=s3_media, Key=key)["Body"].read()
        assert served.read() == body

    # Run again: nothing changed, so no file is copied to the store a second time.
    again = run_import(SITE_EXPORT, "--uploads", str(uploads))
    assert again.status == 0, again.output
    assert object_store.keys(s3_media, "original_images/") == originals
