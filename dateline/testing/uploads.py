"""Editors uploading images through the admin of a real server, with the worker beside it.

Shared by tests/concurrency/test_image_uploads.py and bench/image_uploads.py.
`UploadSite` migrates a database of its own (an SQLite file as `make run` has,
or a fresh PostgreSQL database), starts `dateline serve` and `dateline worker`
on it, and `AdminSession` signs in and uploads through Wagtail's "Add an
image" form, as an editor's browser does. Afterwards `outcome()` reads what
the editor would find: the images, their search index rows, failed tasks.
"""

import contextlib
import http.cookiejar
import io
import os
import re
import sqlite3
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from dateline.testing.migrated import migrated
from dateline.testing.requirements import POSTGRES
from dateline.testing.servers import DATELINE, ROOT, DatelineServer, Process, dateline
from dateline.testing.static_files import collected_static

USERNAME = "photodesk"
PASSWORD = "uploads all day 42"  # noqa: S105 - an account in a throwaway database
CREATE_EDITOR = f"""
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser({USERNAME!r}, "photodesk@example.org", {PASSWORD!r})
"""


def png(number):
    """A small PNG of its own colour: no two uploads are the same file."""
    from PIL import Image

    output = io.BytesIO()
    colour = (number * 37 % 256, number * 91 % 256, number * 53 % 256)
    Image.new("RGB", (64 + number % 50, 48), colour).save(output, "PNG")
    return output.getvalue()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer we want to see, not the page it points to


def _multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        header = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{header}{value}\r\n".encode())
    for name, (filename, data, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class AdminSession:
    """One editor's browser: a cookie jar, signed in to the admin."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )
        self.collection = None

    def request(self, path, data=None, content_type=None, timeout=60):
        headers = {"Origin": self.base_url, "Referer": self.base_url + path}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def csrf_token(self):
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def sign_in(self, username=USERNAME, password=PASSWORD):
        self.request("/admin/login/")
        form = {
            "csrfmiddlewaretoken": self.csrf_token(),
            "username": username,
            "password": password,
            "next": "/admin/",
        }
        status, _ = self.request(
            "/admin/login/",
            urllib.parse.urlencode(form).encode(),
            "application/x-www-form-urlencoded",
        )
        if status != 302:
            raise RuntimeError(f"sign-in answered {status}")
        # Wagtail shows a collection field only when there is a choice to make.
        _, page = self.request("/admin/images/add/")
        found = re.search(r'name="collection"[^>]*>\s*<option value="(\d+)"', page)
        self.collection = found[1] if found else None
        return self

    def upload_image(self, title, data, filename="photo.png"):
        """Wagtail's "Add an image" form: (status, body). 302 means stored."""
        fields = {"csrfmiddlewaretoken": self.csrf_token(), "title": title, "tags": ""}
        if self.collection:
            fields["collection"] = self.collection
        body, content_type = _multipart(fields, {"file": (filename, data, "image/png")})
        return self.request("/admin/images/add/", body, content_type)


@dataclass
class Outcome:
    images: int
    titles_stored_twice: list
    index_rows: int
    images_indexed_twice: list
    images_not_indexed: int
    failed_tasks: list
    server_errors: list


class UploadSite:
    """A database of its own, `dateline serve` and `dateline worker` on it, until exit."""

    def __init__(self, database="sqlite", *, workers=2, threads=4, extra_env=None, prepare=()):
        """`extra_env` adds to the server's environment (S3_* for media on a store);
        `prepare` are `dateline` commands run before it starts (("load_demo",))."""
        if database not in ("sqlite", "postgresql"):
            raise ValueError("database: sqlite or postgresql")
        self.database = database
        self.workers, self.threads = workers, threads
        self.folder = tempfile.TemporaryDirectory(prefix="dateline-uploads-")
        var = Path(self.folder.name)
        self.env = {
            **os.environ,
            "DATELINE_VAR_DIR": str(var),
            "SECRET_KEY": "uploads-test-only-secret-key-not-for-production-0123456789",
            "DJANGO_SETTINGS_MODULE": "dateline.settings",
            "TASKS_BACKEND": "database",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "ERROR",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            **(extra_env or {}),
        }
        self.prepare = prepare
        if database == "postgresql":
            self.db_name = f"dateline_uploads_{uuid.uuid4().hex[:8]}"
            self.env["DATABASE_URL"] = f"{POSTGRES}/{self.db_name}"
        else:
            self.env.pop("DATABASE_URL", None)
            self.sqlite_path = var / "dateline.sqlite3"
        self.server = self.worker = None

    def _admin_sql(self, statement):
        import psycopg

        with psycopg.connect(POSTGRES + "/postgres", autocommit=True) as connection:
            connection.execute(statement)

    def __enter__(self):
        try:
            if self.database == "postgresql":
                self._admin_sql(f'CREATE DATABASE "{self.db_name}"')
            migrated(self.env)
            collected_static(self.env)
            dateline(self.env, "shell", "-c", CREATE_EDITOR)
            for command in self.prepare:
                dateline(self.env, *command)
            self.server = DatelineServer(self.env, workers=self.workers, threads=self.threads)
            self.worker = Process(
                [*DATELINE, "worker", "--interval", "5"],
                Path(self.folder.name) / "worker.log",
                env=self.env,
                cwd=ROOT,
            )
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for process in (self.worker, self.server):
            if process is not None:
                process.stop()
        if self.database == "postgresql":
            self._admin_sql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        self.folder.cleanup()

    @property
    def url(self):
        return self.server.url

    def session(self):
        return AdminSession(self.url).sign_in()

    def sql(self, query):
        if self.database == "postgresql":
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as connection:
                return connection.execute(query).fetchall()
        with contextlib.closing(sqlite3.connect(self.sqlite_path, timeout=20)) as connection:
            return connection.execute(query).fetchall()

    def wait_for_worker(self, timeout=120):
        """Return once the worker has run every queued task."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = self.sql(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult"
                " WHERE status IN ('READY', 'RUNNING')"
            )[0][0]
            if not waiting:
                return
            time.sleep(0.5)
        raise TimeoutError(f"the worker still had {waiting} task(s) after {timeout}s")

    def outcome(self):
        stored_twice = self.sql(
            "SELECT title FROM wagtailimages_image GROUP BY title HAVING count(*) > 1"
        )
        indexed_twice = self.sql(
            "SELECT e.object_id FROM wagtailsearch_indexentry e"
            " JOIN django_content_type t ON t.id = e.content_type_id"
            " WHERE t.app_label = 'wagtailimages' AND t.model = 'image'"
            " GROUP BY e.object_id HAVING count(*) > 1"
        )
        not_indexed = self.sql(
            "SELECT count(*) FROM wagtailimages_image i WHERE NOT EXISTS ("
            " SELECT 1 FROM wagtailsearch_indexentry e"
            " JOIN django_content_type t ON t.id = e.content_type_id"
            " WHERE t.app_label = 'wagtailimages' AND t.model = 'image'"
            " AND e.object_id = CAST(i.id AS TEXT))"
        )[0][0]
        failed = self.sql(
            "SELECT task_path, exception_class_path FROM django_tasks_database_dbtaskresult"
            " WHERE status = 'FAILED'"
        )
        index_rows = self.sql(
            "SELECT count(*) FROM wagtailsearch_indexentry e"
            " JOIN django_content_type t ON t.id = e.content_type_id"
            " WHERE t.app_label = 'wagtailimages' AND t.model = 'image'"
        )[0][0]
        return Outcome(
            images=self.sql("SELECT count(*) FROM wagtailimages_image")[0][0],
            titles_stored_twice=[title for (title,) in stored_twice],
            index_rows=index_rows,
            images_indexed_twice=[pk for (pk,) in indexed_twice],
            images_not_indexed=not_indexed,
            failed_tasks=failed,
            server_errors=[line for line in self.server.json_log() if line.get("level") == "ERROR"],
        )
