"""The ledger: which WordPress object became which object here."""

import hashlib
import json
from typing import NamedTuple

from django.utils.text import slugify

from .models import ImportRecord

Kind = ImportRecord.Kind


def fingerprint(data):
    """A digest of what an import would write; equal digests mean nothing changed."""
    encoded = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


class Entry(NamedTuple):
    """What the ledger keeps of a record: a tuple, so 20,000 of them stay small."""

    object_id: int
    fingerprint: str
    guid: str
    source_digest: str


ENTRY_FIELDS = ["wordpress_id", *Entry._fields]


class Ledger:
    """The import records of one WordPress site, read once per kind and kept in memory.

    A 20,000-post site asks for a record several times per post; one query per
    kind instead of one per question is most of what makes a re-run quick.
    """

    def __init__(self, source):
        self.source = source
        self._records = {}  # kind -> {wordpress_id: Entry}

    def _of(self, kind):
        if kind not in self._records:
            records = ImportRecord.objects.filter(source=self.source, kind=kind)
            rows = records.values_list(*ENTRY_FIELDS).iterator()
            self._records[kind] = {row[0]: Entry(*row[1:]) for row in rows}
        return self._records[kind]

    def get(self, kind, wordpress_id):
        return self._of(kind).get(wordpress_id)

    def all(self, kind):
        return ImportRecord.objects.filter(source=self.source, kind=kind)

    def forget(self):
        """Read the records again when next asked: a failed object's writes were rolled back."""
        self._records.clear()

    def save(self, kind, wordpress_id, object_id, digest, guid="", source_digest=""):
        """Remember what a WordPress object became; an unchanged record is left untouched."""
        existing = self.get(kind, wordpress_id)
        wanted = Entry(object_id, digest, guid, source_digest)
        if existing == wanted:
            return
        ImportRecord.objects.update_or_create(
            source=self.source,
            kind=kind,
            wordpress_id=wordpress_id,
            defaults={
                "object_id": object_id,
                "fingerprint": digest,
                "guid": guid,
                "source_digest": source_digest,
            },
        )
        self._of(kind)[wordpress_id] = wanted

    def save_new(self, kind, rows):
        """`save` for many: rows of (wordpress_id, object_id, digest, guid, source_digest)."""
        known = self._of(kind)
        fresh = []
        for wordpress_id, *entry in rows:
            if wordpress_id in known:  # its object was deleted here: the record is reused
                self.save(kind, wordpress_id, *entry)
            else:
                fresh.append(
                    ImportRecord(
                        source=self.source,
                        kind=kind,
                        wordpress_id=wordpress_id,
                        **dict(zip(Entry._fields, entry, strict=True)),
                    )
                )
        ImportRecord.objects.bulk_create(fresh)
        for record in fresh:
            known[record.wordpress_id] = Entry(*(getattr(record, f) for f in Entry._fields))


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


def slug_base(wanted, fallback, max_length=255):
    return slugify(wanted, allow_unicode=True)[:max_length] or fallback


def first_free(base, taken, max_length=255):
    """`base`, or `base-2`, `base-3`… whichever is not in `taken`."""
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)] + suffix
        number += 1
    return slug


def free_slug(parent, wanted, fallback, exclude_pk=None, max_length=255):
    """A slug for a child of `parent` that no sibling has, close to `wanted`."""
    base = slug_base(wanted, fallback, max_length)
    siblings = parent.get_children()
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    taken = set(siblings.filter(slug__startswith=base).values_list("slug", flat=True))
    return first_free(base, taken, max_length)
