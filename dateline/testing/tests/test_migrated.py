"""The stacks' migrated databases: each a copy holding every migration, each its own,
and a database that holds anything is migrated, never replaced."""

import os
import sqlite3
import uuid

import psycopg
from django.db.migrations.loader import MigrationLoader

from dateline.testing.migrated import migrated
from dateline.testing.requirements import POSTGRES, require

NOTE = "INSERT INTO wagtailcore_site (hostname, port, is_default_site, root_page_id, site_name)"
NOTE += " VALUES ('{host}', 80, FALSE, 1, 'kept')"


def every_migration():
    """(app, name) of every migration on disk, as a fresh `migrate` applies them."""
    return set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def sqlite_env(folder):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DATELINE_VAR_DIR"] = str(folder)
    return env


def sqlite_rows(path, query):
    with sqlite3.connect(path) as connection:
        rows = connection.execute(query).fetchall()
    connection.close()
    return rows


def test_sqlite_copies_hold_every_migration_and_are_each_their_own(tmp_path):
    first, second = sqlite_env(tmp_path / "one"), sqlite_env(tmp_path / "two")
    migrated(first)
    migrated(second)
    one, two = tmp_path / "one" / "dateline.sqlite3", tmp_path / "two" / "dateline.sqlite3"

    applied = set(sqlite_rows(one, "SELECT app, name FROM django_migrations"))
    assert every_migration() <= applied
    with sqlite3.connect(one) as connection:
        connection.execute(NOTE.format(host="one.example"))
    connection.close()
    assert sqlite_rows(two, "SELECT hostname FROM wagtailcore_site") == [("localhost",)]

    # A database with something in it is migrated in place: what it held stays.
    migrated(first)
    hosts = sqlite_rows(one, "SELECT hostname FROM wagtailcore_site ORDER BY id")
    assert hosts == [("localhost",), ("one.example",)]


def test_postgres_copies_hold_every_migration_and_keep_what_a_database_holds():
    require("concurrency")
    name = f"migrated_test_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": f"{POSTGRES}/{name}"}
    with psycopg.connect(POSTGRES + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # empty, as the stacks make theirs
        try:
            migrated(env)
            with psycopg.connect(f"{POSTGRES}/{name}", autocommit=True) as connection:
                applied = set(connection.execute("SELECT app, name FROM django_migrations"))
                connection.execute(NOTE.format(host="kept.example"))
            assert every_migration() <= applied

            migrated(env)
            with psycopg.connect(f"{POSTGRES}/{name}") as connection:
                hosts = connection.execute("SELECT hostname FROM wagtailcore_site ORDER BY id")
                assert [host for (host,) in hosts] == ["localhost", "kept.example"]
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
