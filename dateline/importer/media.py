"""Attachments to images in the library, read from a local copy of wp-content/uploads."""

import hashlib
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.models import Collection

from .content import ImageRef, image_src_candidates
from .records import Kind, fingerprint

Image = get_image_model()
TITLE_LIMIT = Image._meta.get_field("title").max_length
COLLECTION_NAME = "WordPress import"


def uploads_relative_path(item):
    """Where the file sits under wp-content/uploads, as WordPress recorded it."""
    attached = item.meta.get("_wp_attached_file", "").strip()
    if attached:
        return attached
    path = unquote(urlsplit(item.attachment_url).path)
    marker = "/uploads/"
    return path.split(marker, 1)[1] if marker in path else ""


def url_key(url):
    """An image address without scheme and host, so http/https and CDN hosts match."""
    return unquote(urlsplit(url.strip()).path)


def locate(uploads, relative):
    """The file inside `uploads`, or a reason it cannot be used.

    A path that climbs out of the uploads folder (`../../etc/passwd`) is
    refused: the export decides which file is read, and it is not trusted.
    """
    if uploads is None:
        return None, "no uploads folder given (--uploads)"
    if not relative:
        return None, "the export gives no file for it"
    root = uploads.resolve()
    candidate = (root / PurePosixPath(relative.lstrip("/"))).resolve()
    if not candidate.is_relative_to(root):
        return None, f"refused: {relative} is outside the uploads folder"
    if not candidate.is_file():
        return None, f"file missing: {relative}"
    return candidate, ""


def import_collection():
    collection = Collection.objects.filter(name=COLLECTION_NAME).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=COLLECTION_NAME)
    return collection


def remember(item, ref, ctx):
    ctx.images[item.wordpress_id] = ref
    ctx.images_changed()
    for url in image_src_candidates(item.attachment_url):
        ctx.image_urls[url_key(url)] = item.wordpress_id


def import_attachment(item, ctx):
    label = f"{item.wordpress_id} {item.title or item.attachment_url}".strip()
    relative = uploads_relative_path(item)
    extension = PurePosixPath(relative or item.attachment_url).suffix.lower().lstrip(".")
    if extension not in settings.WAGTAILIMAGES_EXTENSIONS:
        reason = f"not an image ({extension or 'no extension'}); only images are imported"
        ctx.summary.record("attachment", "skipped", label, reason)
        return
    path, problem = locate(ctx.uploads, relative)
    if path is None:
        ctx.summary.record("attachment", "skipped", label, problem)
        return
    contents = path.read_bytes()
    title = " ".join((item.title or path.stem).split())
    if len(title) > TITLE_LIMIT:
        ctx.summary.record("attachment", "failed", label, f"title over {TITLE_LIMIT} characters")
        return
    alt = " ".join(item.meta.get("_wp_attachment_image_alt", "").split())
    caption = " ".join(item.excerpt.split())
    digest = fingerprint([title, alt, item.content, hashlib.sha256(contents).hexdigest()])
    record = ctx.ledger.get(Kind.ATTACHMENT, item.wordpress_id)
    image = Image.objects.filter(pk=record.object_id).first() if record else None
    if image is not None and record.fingerprint == digest:
        ctx.summary.record("attachment", "unchanged", label)
    elif ctx.dry_run:
        # Nothing is written to the media folder in a dry run; posts still
        # see the photo so their figures are counted.
        ctx.summary.record("attachment", "updated" if image else "created", label)
        ctx.plan(f"{'update' if image else 'create'} image {relative}")
        ref = ImageRef(pk=image.pk if image else None, title=title, alt=alt, caption=caption)
        remember(item, ref, ctx)
        return
    else:
        outcome = "updated" if image is not None else "created"
        if image is None:
            image = Image(collection=import_collection())
        image.title, image.description = title, alt
        # Wagtail keeps a SHA-1 of each original; an unchanged file is not copied again.
        same_file = image.file and image.file_hash == hashlib.sha1(contents).hexdigest()  # noqa: S324
        if same_file:
            image.save()
        else:
            with path.open("rb") as handle:
                image.file = ImageFile(handle, name=path.name)
                image.file_size = len(contents)
                image.file_hash = hashlib.sha1(contents).hexdigest()  # noqa: S324 - Wagtail's own
                image.save()
        ctx.summary.record("attachment", outcome, label)
    ctx.ledger.save(Kind.ATTACHMENT, item.wordpress_id, image.pk, digest, guid=item.guid)
    remember(item, ImageRef(pk=image.pk, title=title, alt=alt, caption=caption), ctx)
