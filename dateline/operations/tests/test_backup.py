"""`dateline backup` and `dateline restore`: a round trip loses nothing."""

import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from wagtail.images import get_image_model

from dateline.news.models import ArticlePage
from dateline.news.tests.html import parse, text

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"


def test_round_trip_restores_articles_and_photos(client, summit_article, settings, tmp_path):
    archive = tmp_path / "newsroom.tar.gz"
    image = summit_article.lead_image
    original_bytes = image.file.read()
    image.file.close()
    published_before = sorted(ArticlePage.objects.published().values_list("title", flat=True))
    body_before = list(summit_article.body.raw_data)

    call_command("backup", str(archive), stdout=io.StringIO())

    # Disaster: the story is deleted, its photo lost from disk, a bogus story published.
    summit_article.delete()
    (settings.MEDIA_ROOT / image.file.name).unlink()
    assert client.get(ARTICLE).status_code == 404

    out = io.StringIO()
    call_command("restore", str(archive), interactive=False, stdout=out)
    assert "Restored the backup" in out.getvalue()

    restored = ArticlePage.objects.get(slug="president-heads-north-for-skarholm-summit")
    assert restored.pk == summit_article.pk
    assert list(restored.body.raw_data) == list(body_before)
    assert sorted(ArticlePage.objects.published().values_list("title", flat=True)) == (
        published_before
    )
    assert (settings.MEDIA_ROOT / image.file.name).read_bytes() == original_bytes
    assert get_image_model().objects.get(pk=image.pk).file_hash == image.file_hash

    page = parse(client.get(ARTICLE))
    assert text(page.h1) == "President Varga heads north for the Skarholm fisheries summit"
    photo = client.get(page.select_one("main img")["src"])
    assert photo.status_code == 200


def test_archive_holds_a_manifest_with_checksums(db, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
        dump = json.load(tar.extractfile("database.json"))
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert any(name.startswith("media/original_images/") for name in names)
    assert "news.0001_initial" in manifest["migrations"]
    assert {row["model"] for row in dump} >= {"news.articlepage", "wagtailimages.image"}
    assert not any(row["model"].startswith(("sessions.", "wagtailsearch.")) for row in dump)


def test_damaged_or_foreign_archives_change_nothing(summit_article, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    # One byte of the database dump changed, keeping the archive readable.
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "database.json":
                data = data.replace(b"Skarholm", b"Skarhol_", 1)
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as target:
        manifest = json.dumps({"format": "dateline-backup/1", "files": {}}).encode()
        for name, data in [("manifest.json", manifest), ("../../escape.txt", b"x")]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[:2000])

    cases = {
        tampered: "does not match its checksum",
        evil: "cannot be read",
        truncated: "cannot be read",
        tmp_path / "missing.tar.gz": "no such backup file",
    }
    for path, message in cases.items():
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(path), interactive=False)
        assert ArticlePage.objects.filter(pk=summit_article.pk).exists()
    assert not (tmp_path.parent / "escape.txt").exists()


def test_round_trip_through_an_object_store(db, object_store, s3_media, settings, tmp_path):
    """With S3_BUCKET set, the archive holds the bucket's files, and a restore
    into an empty bucket (a new store after a disaster) puts them all back."""
    from django.core.files.images import ImageFile

    from dateline.testing.uploads import png

    photo = png(7)
    upload = ImageFile(io.BytesIO(photo), "dawn.png")
    image = get_image_model()(title="Harbour at dawn", file=upload)
    image.save()
    rendition = image.get_rendition("width-40")
    stored = object_store.keys(s3_media)
    assert set(stored) == {image.file.name, rendition.file.name}
    rendition_bytes = object_store.client().get_object(Bucket=s3_media, Key=rendition.file.name)

    archive = tmp_path / "newsroom.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        assert {"media/" + key for key in stored} <= set(tar.getnames())

    empty = object_store.create_bucket(s3_media + "-new")
    object_store.use_bucket(settings, empty)
    out = io.StringIO()
    call_command("restore", str(archive), interactive=False, stdout=out)
    assert "Restored the backup" in out.getvalue()

    assert object_store.keys(empty) == stored
    client = object_store.client()
    assert client.get_object(Bucket=empty, Key=image.file.name)["Body"].read() == photo
    restored = client.get_object(Bucket=empty, Key=rendition.file.name)
    assert restored["Body"].read() == rendition_bytes["Body"].read()
    assert restored["CacheControl"] == "public, max-age=31536000, immutable"
    assert get_image_model().objects.get(pk=image.pk).file.name == image.file.name
