"""Live coverage run for real: the app, stream processes, nginx and Redis, with a live page.

The live end-to-end tests and `bench/live.py` share `LiveStack`: a private
Redis, a database of its own (SQLite in the stack's folder unless a
PostgreSQL URL is given), the demo site with the newsroom's roles, a live
page and an editor, `dateline serve`, one or more `dateline live-stream`
processes and deploy/nginx.conf in front of them. `DeskClient` signs in as
the editor and posts through the live desk's own endpoints, as the posting
screen does.
"""

import contextlib
import http.client
import http.cookiejar
import json
import os
import re
import signal
import time
import urllib.parse
import urllib.request
from pathlib import Path

from .migrated import migrated
from .servers import (
    DATELINE,
    ROOT,
    DatelineServer,
    Nginx,
    PrivateRedis,
    Process,
    dateline,
    fetch,
    free_port,
)
from .static_files import collected_static

EDITOR = ("live-editor", "a long live desk password 42")
REPORTERS = (
    ("live-reporter-a", "reporter a desk password 42"),
    ("live-reporter-b", "reporter b desk password 42"),
)

SETUP_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from dateline.live.models import LivePage
from dateline.news.models import ArticleAuthor, AuthorPage, SectionPage

User = get_user_model()
editor = User.objects.create_user({editor!r}, password={editor_password!r}, first_name="Edna",
                                  last_name="Desk")
editor.groups.add(Group.objects.get(name="Editors"))
for name, password in {reporters!r}:
    reporter = User.objects.create_user(name, password=password, first_name=name[-1].upper())
    reporter.groups.add(Group.objects.get(name="Reporters"))
section = SectionPage.objects.get(slug="world")
page = LivePage(title="Skarholm summit: live", slug="summit-live",
                deck="Leaders meet in Skarholm for a second day of talks.",
                body=[{{"type": "paragraph", "value": "<p>What we know so far.</p>"}}], live=False)
page.bylines = [ArticleAuthor(author=AuthorPage.objects.get(slug="tomas-okafor"))]
section.add_child(instance=page)
page.save_revision().publish()
page.refresh_from_db()
print(json.dumps({{"page": page.pk, "url": page.url}}))
"""


class LiveStreamServer:
    """`dateline live-stream` on a free port, ready once its status answers."""

    def __init__(self, env, log_path=None, timeout=60, port=None):
        self.env = env
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log_path = log_path or Path(env["DATELINE_VAR_DIR"]) / f"stream-{self.port}.log"
        self.process = Process(
            [*DATELINE, "live-stream", "--port", str(self.port)], log_path, env=env, cwd=ROOT
        )
        deadline = time.monotonic() + timeout
        while fetch(self.url + "/live/stream/status", timeout=5)[0] != 200:
            if self.process.exited() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.url} did not start:\n{self.process.log()[-4000:]}")
            time.sleep(0.2)

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def status(self):
        code, _, body = fetch(self.url + "/live/stream/status", timeout=5)
        return json.loads(body) if code == 200 else None

    def kill(self):
        """SIGKILL to the whole process group: a crash, not a shutdown."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.popen.wait(timeout=10)

    def stop(self):
        self.process.stop()


class EventStream:
    """One reader's stream, read as a browser's EventSource would (tests and checks).

    `events(n)` returns the next n events as dicts (id, event, data parsed
    from JSON); `last_id` is what the reader would send as Last-Event-ID.
    """

    def __init__(self, base_url, page_id, since=None, last_event_id=None, timeout=10):
        where = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(where.hostname, where.port, timeout=timeout)
        path = f"/live/stream/{page_id}/" + (f"?since={since}" if since is not None else "")
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.last_id = last_event_id

    def events(self, count, timeout=10):
        found = []
        deadline = time.monotonic() + timeout
        block = {}
        while len(found) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(found)} of {count} events within {timeout}s")
            line = self.response.readline()
            if not line:
                raise EOFError(f"the stream ended after {len(found)} of {count} events")
            line = line.decode().rstrip("\n")
            if not line:
                if "data" in block:
                    block["data"] = json.loads(block["data"])
                    found.append(block)
                    self.last_id = int(block.get("id", self.last_id or 0))
                block = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(": ")
                block[name] = value
        return found

    def ended(self, timeout=5):
        """True once the server has closed the stream (nothing more to read)."""
        self.connection.sock.settimeout(timeout)
        try:
            return all(
                not line.strip() or line.startswith((b":", b"retry"))
                for line in self.response.readlines()
            )
        except OSError:
            return False

    def close(self):
        self.connection.close()


class LiveStack:
    def __init__(
        self,
        folder,
        *,
        database_url=None,
        streams=2,
        app_workers=2,
        extra_env=None,
        worker_connections=4096,
    ):
        self.folder = Path(folder)
        self.redis = PrivateRedis()
        var = self.folder / "var"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}},
            "DJANGO_SETTINGS_MODULE": "dateline.settings",
            "DATELINE_VAR_DIR": str(var),
            "DATABASE_URL": database_url or f"sqlite:///{var / 'live.sqlite3'}",
            "REDIS_URL": self.redis.url,
            "SECRET_KEY": "live-stack-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PAGE_FILES_DIR": str(var / "page-files"),
            "LOG_LEVEL": "WARNING",
            "TASKS_BACKEND": "immediate",
            **(extra_env or {}),
        }
        self.servers = []
        self.streams = []
        self.app = self.nginx = None
        try:
            var.mkdir(parents=True, exist_ok=True)
            migrated(self.env)
            collected_static(self.env)
            dateline(self.env, "load_demo", "--no-editor")
            dateline(self.env, "setup_roles")
            script = SETUP_SCRIPT.format(
                editor=EDITOR[0], editor_password=EDITOR[1], reporters=REPORTERS
            )
            created = dateline(self.env, "shell", "-c", script).stdout.strip().splitlines()[-1]
            created = json.loads(created)
            self.page_id, self.page_path = created["page"], created["url"]
            self.app = DatelineServer(self.env, workers=app_workers)
            self.streams = [LiveStreamServer(self.env) for _ in range(streams)]
            self.nginx = Nginx.front(
                self.folder / "nginx",
                app=f"127.0.0.1:{self.app.port}",
                static_root=var / "static",
                media_root=var / "media",
                page_files_dir=self.env["PAGE_FILES_DIR"],
                live_servers=[stream.address for stream in self.streams],
                worker_connections=worker_connections,
            ).start()
        except BaseException:
            self.stop()
            raise

    @property
    def url(self):
        return self.nginx.url

    @property
    def page_url(self):
        return self.url + self.page_path

    def desk(self, credentials=EDITOR):
        return DeskClient(self.url, self.page_id, *credentials)

    def stop(self):
        if self.nginx is not None and self.nginx.process is not None:
            self.nginx.process.stop()
        for stream in self.streams:
            stream.stop()
        if self.app is not None:
            self.app.stop()
        with contextlib.suppress(Exception):
            self.redis.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class DeskClient:
    """Signs in through the admin's login form, then posts as the live desk's script does."""

    def __init__(self, base_url, page_id, username, password):
        self.base_url = base_url
        self.page_id = page_id
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        login = base_url + "/admin/login/"
        _, _, form = fetch(login, opener=self.opener)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        ).encode()
        status, _, _ = fetch(login, data=data, opener=self.opener, headers={"Referer": login})
        self.csrf = self._session()["csrf"]

    def _session(self):
        status, _, body = fetch(
            self.base_url + "/admin/live/session/",
            opener=self.opener,
            headers={"X-Requested-With": "XMLHttpRequest"},
        )
        if status != 200:
            raise RuntimeError(f"not signed in to the live desk ({status})")
        return json.loads(body)

    def _post(self, path, fields):
        pairs = []
        for name, value in fields.items():
            if isinstance(value, bool):
                if value:
                    pairs.append((name, "on"))
            elif isinstance(value, list | tuple):
                pairs += [(name, str(item)) for item in value]
            elif value is not None:
                pairs.append((name, str(value)))
        status, _, body = fetch(
            self.base_url + f"/admin/live/{self.page_id}/{path}",
            data=urllib.parse.urlencode(pairs).encode(),
            opener=self.opener,
            headers={
                "X-CSRFToken": self.csrf,
                "X-Requested-With": "XMLHttpRequest",
                "Referer": self.base_url + "/admin/",
            },
        )
        return status, json.loads(body) if body.startswith("{") else {"error": body[:500]}

    def post(self, text, **fields):
        return self._post("post/", {"text": text, **fields})

    def edit(self, update_id, text, **fields):
        return self._post(f"updates/{update_id}/", {"text": text, **fields})

    def delete(self, update_id):
        return self._post(f"updates/{update_id}/delete/", {})

    def set_state(self, state):
        return self._post("state/", {"state": state})


__all__ = ["LiveStack", "LiveStreamServer", "DeskClient", "EventStream", "EDITOR", "REPORTERS"]
