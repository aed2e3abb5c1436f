"""A one-article site on a private PostgreSQL and Redis, for suites that run
several `dateline serve` "machines" against them (tests/replicas, the cluster
state tests in tests/faults).

    env = private_env(var_dir, postgres, redis, LOG_LEVEL="WARNING")
    one_article_site(postgres, env)        # migrated, the site built, static collected
"""

import os
import tempfile
from pathlib import Path

from dateline.testing.comments import BUILD_SITE
from dateline.testing.migrated import migrations_digest
from dateline.testing.servers import dateline
from dateline.testing.static_files import collected_static

# What the environment of the run itself must not pass on to the machines.
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"}


def private_env(var_dir, postgres, redis, **settings):
    """The environment of one machine on `postgres` and `redis`, JSON logs, `settings` added."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(
        DATELINE_VAR_DIR=str(var_dir),
        DATABASE_URL=postgres.url,
        REDIS_URL=redis.url,
        SECRET_KEY="private-site-" + "k" * 60,
        LOG_FORMAT="json",
        LOG_LEVEL="WARNING",
        **settings,
    )
    return env


def one_article_site(postgres, env):
    """Migrate, build the one-article site (/world/quota-talks/) and collect static
    files into env's var folder."""
    migrate(postgres, env)
    dateline(env, "shell", "-c", BUILD_SITE)
    collected_static(env)


def migrate(primary, env, timeout=900):
    """`dateline migrate` on the primary's empty `dateline` database, from a dump
    kept in the temporary folder after the first run with the same migrations:
    migrating from nothing takes minutes on a busy machine."""
    version = primary.bin.parent.name  # a dump is read back by the PostgreSQL that wrote it
    dump = Path(tempfile.gettempdir()) / f"dateline-migrated-{migrations_digest()}-{version}.sql"
    where = ("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-d", "dateline")
    if dump.exists():
        primary._run("psql", *where, "-q", "-v", "ON_ERROR_STOP=1", "-f", str(dump))
        return
    dateline(env, "migrate", "--verbosity", "0", timeout=timeout)
    partial = dump.with_suffix(".partial")
    primary._run("pg_dump", *where, "-f", str(partial))
    partial.rename(dump)
