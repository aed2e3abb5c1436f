"""The ledger: which WordPress object became which object here."""

import hashlib
import json

from django.utils.text import slugify

from .models import ImportRecord

Kind = ImportRecord.Kind


def fingerprint(data):
    """A digest of what an import would write; equal digests mean nothing changed."""
    encoded = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


class Ledger:
    """The import records of one WordPress site."""

    def __init__(self, source):
        self.source = source

    def get(self, kind, wordpress_id):
        return ImportRecord.objects.filter(
            source=self.source, kind=kind, wordpress_id=wordpress_id
        ).first()

    def all(self, kind):
        return ImportRecord.objects.filter(source=self.source, kind=kind)

    def save(self, kind, wordpress_id, object_id, digest, guid=""):
        """Remember what a WordPress object became; an unchanged record is left untouched."""
        existing = self.get(kind, wordpress_id)
        if existing is not None and (existing.object_id, existing.fingerprint, existing.guid) == (
            object_id,
            digest,
            guid,
        ):
            return
        ImportRecord.objects.update_or_create(
            source=self.source,
            kind=kind,
            wordpress_id=wordpress_id,
            defaults={"object_id": object_id, "fingerprint": digest, "guid": guid},
        )


def shorten(text, limit):
    """`text` if it fits, else cut at a word boundary with an ellipsis.

    Only for derived summaries (decks, intros); the full text is always kept
    elsewhere.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-–— ")
    return (cut or text[: limit - 1]) + "…"


def free_slug(parent, wanted, fallback, exclude_pk=None, max_length=255):
    """A slug for a child of `parent` that no sibling has, close to `wanted`."""
    base = slugify(wanted, allow_unicode=True)[:max_length] or fallback
    siblings = parent.get_children()
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    taken = set(siblings.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)] + suffix
        number += 1
    return slug
