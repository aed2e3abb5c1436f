"""One archive holding everything a newsroom would lose with the server: the
database, as Django's portable JSON, and every uploaded file.

An archive is a .tar.gz with:
  manifest.json   format, time, database engine, applied migrations, and a
                  SHA-256 for every other member, checked before restoring
  database.json   `dumpdata` of every app but sessions, primary keys kept
  media/...       every uploaded file and rendition, as the media storage
                  holds it (MEDIA_ROOT, or the S3 bucket when S3_BUCKET is set)

JSON rather than pg_dump or SQLite's file: one format for both engines, so a
newsroom can also move from the embedded run to PostgreSQL with it. Media is
read and written through Django's storage API, so the same archive moves a
newsroom from the local disk to object storage and back.
"""

import hashlib
import io
import json
import os
import posixpath
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "dateline-backup/1"
# Sessions are sign-ins, not content: restoring them would sign people back in.
# The search index is derived from the pages, and its tables differ between
# SQLite and PostgreSQL: it is rebuilt after a restore instead.
EXCLUDED_MODELS = ["sessions", "wagtailsearch"]


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def applied_migrations():
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


# Loaded first: while the other rows load, Wagtail's and taggit's handlers look
# up content types, and would otherwise create them under new ids.
LOAD_FIRST = ["contenttypes", "auth"]


def dump_order():
    """App labels, content types and users first, then the rest in app order."""
    others = [
        config.label
        for config in apps.get_app_configs()
        if config.models_module is not None
        and config.label not in LOAD_FIRST
        and config.label not in EXCLUDED_MODELS
    ]
    return LOAD_FIRST + others


def _dump_database(target):
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table, without blocking editors.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command(
            "dumpdata",
            *dump_order(),
            exclude=EXCLUDED_MODELS,
            output=str(target),
            verbosity=0,
        )


def _is_link(storage, name):
    """A symbolic link in a local media folder: not an upload, and it may lead anywhere."""
    try:
        return os.path.islink(storage.path(name))
    except NotImplementedError:  # an object store has no links
        return False


def stored_media(storage, folder=""):
    """The name of every file `storage` holds, walking its folders (or a bucket's prefixes)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # no media folder yet
        return []
    names = [posixpath.join(folder, name) for name in files]
    for sub in folders:
        if not _is_link(storage, posixpath.join(folder, sub)):
            names += stored_media(storage, posixpath.join(folder, sub))
    return sorted(name for name in names if not _is_link(storage, name))


def _copy_media(storage, scratch):
    """Every stored file copied into `scratch`/media: {archive name: local copy}."""
    members = {}
    for name in stored_media(storage):
        local = scratch / "media" / name
        local.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, local.open("wb") as target:
            shutil.copyfileobj(source, target, 1 << 20)
        members["media/" + name] = local
    return members


def create_backup(destination):
    """Write the archive to `destination` (a path); returns what it holds."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dateline-backup-") as scratch:
        dump = Path(scratch) / "database.json"
        _dump_database(dump)
        members = {"database.json": dump, **_copy_media(default_storage, Path(scratch))}
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "migrations": applied_migrations(),
            "files": {name: _sha256(path) for name, path in members.items()},
        }
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            for name, path in members.items():
                archive.add(path, arcname=name, recursive=False)
        # Only a complete archive gets the final name.
        os.replace(partial, destination)
    return manifest


def read_manifest(archive):
    try:
        member = archive.extractfile("manifest.json")
    except KeyError:
        raise BackupError("not a Dateline backup: it has no manifest.json") from None
    manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unsupported backup format {manifest.get('format')!r}")
    return manifest


def _check_schema(manifest):
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError("the database has unapplied migrations: run `dateline migrate` first")
    known = {f"{app}.{name}" for app, name in executor.loader.disk_migrations}
    newer = sorted(set(manifest["migrations"]) - known)
    if newer:
        raise BackupError(
            "the backup was made by a newer Dateline (unknown migrations: "
            + ", ".join(newer[:5])
            + "); upgrade before restoring"
        )


def restore_backup(source):
    """Replace the database and media with the archive's. Everything is checked
    first; the database is replaced in one transaction, so a failure leaves it
    as it was."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no such backup file: {source}")
    with tempfile.TemporaryDirectory(prefix="dateline-restore-") as scratch:
        scratch = Path(scratch)
        try:
            with tarfile.open(source, "r:gz") as archive:
                manifest = read_manifest(archive)
                # The "data" filter refuses absolute paths, "..", links out of
                # the folder and device files.
                archive.extractall(scratch, filter="data")
        except (tarfile.TarError, OSError, EOFError, ValueError) as error:
            raise BackupError(f"the backup cannot be read: {error}") from error
        for name, expected in manifest["files"].items():
            path = scratch / name
            if not path.is_file() or _sha256(path) != expected:
                raise BackupError(f"the backup is damaged: {name} does not match its checksum")
        _check_schema(manifest)

        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # TRUNCATE refuses to run while deferred foreign-key checks
                    # from earlier in the transaction are pending; run them now.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
                ContentType.objects.clear_cache()  # ids from before the flush
                if connection.vendor == "postgresql":
                    # Back to Django's deferred checks, so rows load in any order.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                call_command("loaddata", str(scratch / "database.json"), verbosity=0)
        except (DatabaseError, DeserializationError, CommandError) as error:
            raise BackupError(
                f"the database could not be loaded, so it was kept: {error}"
            ) from error
        call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())

        restored_media = 0
        for name in manifest["files"]:
            if name.startswith("media/"):
                _put_back(default_storage, name.removeprefix("media/"), scratch / name)
                restored_media += 1
    return manifest, restored_media


def _put_back(storage, name, local):
    """Store `local` under exactly `name`, the name the restored database refers to."""
    if storage.exists(name):
        storage.delete(name)
    with local.open("rb") as handle:
        stored = storage.save(name, File(handle, name=posixpath.basename(name)))
    if stored != name:  # another process stored a file of that name meanwhile
        raise BackupError(f"media file {name} was stored as {stored}; restore again")
