"""A migrated database for each test stack, copied from one migrated once.

`dateline migrate` from nothing takes 8-20 s on the CI machine (quiet or busy), and
each of the end-to-end stacks starts from an empty database: minutes of every run.
`migrated(env)` gives the database `env` names the same tables and rows a migrate
would, copied from a template that was migrated once for this set of migrations
and packages: a SQLite file copied whole, or a PostgreSQL database made with
`CREATE DATABASE ... TEMPLATE`.

The templates stay between runs, named by a digest of the migrations and the
installed packages: `/tmp/dateline_migrated_<digest>.sqlite3`, and a database
`dateline_migrated_<digest>` on the PostgreSQL server (one of another digest is
dropped when a new one is made). Only an empty or absent database is copied
over; one that holds anything is migrated for real. The tests of the embedded
run keep the real command: they are what a new user types.
"""

import fcntl
import hashlib
import importlib.metadata
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

from dateline.testing.servers import ROOT, dateline

PREFIX = "dateline_migrated_"


def migrations_digest():
    """What decides the migrated schema: our migrations and the installed packages
    (Wagtail's and Django's migrations come with their versions)."""
    return files_digest(sorted(ROOT.glob("dateline/*/migrations/*.py")))


def files_digest(paths):
    """A digest of these files (names and contents) and of the installed packages."""
    digest = hashlib.blake2b(digest_size=8)
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    versions = sorted(
        f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions()
    )
    digest.update("\n".join(versions).encode())
    return digest.hexdigest()


def database_settings(env):
    """The database `env` names, parsed as dateline.settings parses it."""
    var_dir = Path(env.get("DATELINE_VAR_DIR") or ROOT / "var")
    return dj_database_url.parse(
        env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'dateline.sqlite3'}"
    )


def migrated(env, timeout=900):
    """The database `env` names, migrated: copied from the template when it is empty."""
    database = database_settings(env)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        _sqlite(env, Path(database["NAME"]), timeout)
    else:
        _postgres(env, database, timeout)


@contextmanager
def template_lock(name):
    """One process at a time builds a template (two pytest runs may share a machine)."""
    with open(Path(tempfile.gettempdir()) / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _sqlite(env, target, timeout):
    if target.exists() and target.stat().st_size:
        dateline(env, "migrate", "--noinput", "--verbosity", "0", timeout=timeout)
        return
    template = Path(tempfile.gettempdir()) / f"{PREFIX}{migrations_digest()}.sqlite3"
    with template_lock(template.name):
        if not template.exists():
            partial = template.with_suffix(".partial")
            for leftover in template.parent.glob(partial.name + "*"):
                leftover.unlink()
            dateline(
                {**env, "DATABASE_URL": f"sqlite:///{partial}"},
                "migrate",
                "--noinput",
                "--verbosity",
                "0",
                timeout=timeout,
            )
            # One self-contained file: the write-ahead log folded in and switched off,
            # so a plain copy is the whole database (the app turns WAL on when it connects).
            with sqlite3.connect(partial) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                connection.execute("PRAGMA journal_mode=DELETE")
            connection.close()
            partial.rename(template)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)


def _postgres(env, database, timeout):
    import psycopg
    from psycopg.sql import SQL, Identifier

    url = urlsplit(env["DATABASE_URL"])

    def url_of(name):
        return urlunsplit(url._replace(path=f"/{name}"))

    name = database["NAME"]
    with psycopg.connect(url_of("postgres"), autocommit=True) as admin:
        exists = "SELECT 1 FROM pg_database WHERE datname = %s"
        if admin.execute(exists, [name]).fetchone():
            with psycopg.connect(url_of(name)) as connection:
                tables = connection.execute(
                    "SELECT count(*) FROM pg_tables"
                    " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                ).fetchone()[0]
            if tables:
                dateline(env, "migrate", "--noinput", "--verbosity", "0", timeout=timeout)
                return
        template = PREFIX + migrations_digest()
        with template_lock(template):
            if not admin.execute(exists, [template]).fetchone():
                # Templates of other migrations, left by earlier checkouts, go first.
                for (old,) in admin.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", [PREFIX + "%"]
                ).fetchall():
                    admin.execute(SQL("DROP DATABASE {} WITH (FORCE)").format(Identifier(old)))
                partial = template + "_partial"
                admin.execute(SQL("CREATE DATABASE {}").format(Identifier(partial)))
                dateline(
                    {**env, "DATABASE_URL": url_of(partial)},
                    "migrate",
                    "--noinput",
                    "--verbosity",
                    "0",
                    timeout=timeout,
                )
                admin.execute(
                    SQL("ALTER DATABASE {} RENAME TO {}").format(
                        Identifier(partial), Identifier(template)
                    )
                )
            # Inside the lock: PostgreSQL refuses a template another copy is reading.
            admin.execute(SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(Identifier(name)))
            admin.execute(
                SQL("CREATE DATABASE {} TEMPLATE {}").format(Identifier(name), Identifier(template))
            )
