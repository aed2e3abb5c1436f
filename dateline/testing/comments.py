"""A real Dateline server (`dateline serve`) on a private PostgreSQL database, for the
comment concurrency test and the comment benchmark.

It creates the database, migrates it, builds a one-article site and serves it
with the production server (`servers.DatelineServer`), so requests go
through the same stack readers hit. The database is dropped on exit.
"""

import http.client
import json
import os
import tempfile
from urllib.parse import urlencode

import psycopg

from dateline.testing.migrated import migrated
from dateline.testing.requirements import POSTGRES
from dateline.testing.servers import DatelineServer, dateline, wait_for
from dateline.testing.static_files import collected_static

ARTICLE = "/world/quota-talks/"
BUILD_SITE = """
from dateline.comments.tests.site import build_news_site
home, section, article = build_news_site()
print(article.pk)
"""


class CommentServer:
    """The one-article site on database `database` of the shared PostgreSQL,
    its comment form open to anyone without delays or rate limits."""

    def __init__(self, database, workers=2, threads=8, extra_env=None):
        self.database = database
        self.workers = workers
        self.threads = threads
        self.database_url = f"{POSTGRES}/{database}"
        self.var_dir = tempfile.TemporaryDirectory(prefix="dateline-bench-")
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DATELINE_VAR_DIR": self.var_dir.name,
            "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
            "DJANGO_SETTINGS_MODULE": "dateline.settings",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "COMMENTS_MIN_SECONDS_TO_SUBMIT": "0",
            "COMMENTS_RATE_LIMITS": json.dumps({"ip": [], "email": []}),
            "LOG_LEVEL": "ERROR",
            **(extra_env or {}),
        }
        self.server = None
        self.article_id = None

    @property
    def port(self):
        return self.server.port

    def _admin(self, sql):
        with psycopg.connect(POSTGRES + "/postgres", autocommit=True) as conn:
            conn.execute(sql)

    def manage(self, *args, input_text=None):
        return dateline(self.env, *args, input=input_text).stdout

    def __enter__(self):
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.database}"')
        migrated(self.env)
        collected_static(self.env)
        self.article_id = int(self.manage("shell", "-c", BUILD_SITE).strip().splitlines()[-1])
        self.server = DatelineServer(self.env, workers=self.workers, threads=self.threads)
        wait_for(self.server.url + ARTICLE)  # rendered once before anyone measures it
        return self

    def __exit__(self, *exc):
        if self.server is not None:
            self.server.stop()
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self.var_dir.cleanup()

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            # Header names are case-insensitive (Granian sends them in lower case).
            return response.status, response.msg, response.read()
        finally:
            conn.close()

    def form_token(self):
        status, _, body = self.request("GET", "/comments/token/")
        assert status == 200, status
        return json.loads(body)["token"]

    def post_comment(self, token, **fields):
        data = {
            "comment": "A comment from the load test.",
            "name": "Load Tester",
            "email": "load@example.org",
            "form_token": token,
            **fields,
        }
        return self.request(
            "POST",
            f"/comments/post/{self.article_id}/",
            body=urlencode(data),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{self.port}",
            },
        )

    def sql(self, query, params=None):
        with psycopg.connect(self.database_url) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []
