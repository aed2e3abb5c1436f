"""Several app machines behind one balancer, simulated on loopback.

Each `Machine` is what one server of a production cluster runs: `dateline
serve` (Granian), `dateline worker` and its own nginx with deploy/nginx.conf
(its front), with a `var/` folder of its own (page files, logs, static
files): nothing is shared on disk. The `Cluster` puts one nginx with
deploy/balancer.conf in front of the machines' fronts; the machines share
only what production shares, PostgreSQL and Redis, given in the environment.
Every process is started through `dateline.testing.servers`, in its own
process group, so `Machine.kill` is a machine losing power: SIGKILL to
every process at once.
"""

import json
import os
import shutil
from pathlib import Path

import psycopg

from .migrated import migrated
from .requirements import POSTGRES
from .servers import DATELINE, ROOT, DatelineServer, Nginx, Process, dateline, fetch
from .static_files import collected_static

# Object storage for media (S3, docs/media.md): passed to every machine when set.
S3_SETTINGS = (
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_MEDIA_URL",
)
# Each front believes the reader's address the balancer passes on (deploy/balancer.conf).
FRONT_HTTP = " set_real_ip_from 127.0.0.1;\n real_ip_header X-Forwarded-For;\n"
# wrk's connections are reused for the whole run (as bench/run.py's nginx).
KEEPALIVE_HTTP = " keepalive_requests 100000;\n"


def environment(work, redis_url, secret_key):
    """The environment every machine of a test or benchmark cluster shares, its
    setup folders in `work` (DATABASE_URL comes from `demo_database`)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dateline.settings",
        "REDIS_URL": redis_url,
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SERVE_MEDIA": "0",
        "DATELINE_VAR_DIR": str(Path(work) / "setup"),
        "MEDIA_ROOT": str(Path(work) / "shared-media"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        # Every reader here comes from 127.0.0.1: per-address limits would refuse them.
        "COMMENTS_RATE_LIMITS": '{"ip": [], "email": []}',
        # Scheduled pages go live within a second of being due.
        "WORKER_INTERVAL": "1",
    }


def demo_database(name, env):
    """Database `name` of the shared PostgreSQL, made anew with the demo site; its URL.

    The demo's images go to `env`'s MEDIA_ROOT: give the cluster the same one.
    """
    with psycopg.connect(POSTGRES + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    url = f"{POSTGRES}/{name}"
    env = {**env, "DATABASE_URL": url}
    migrated(env)
    dateline(env, "load_demo", "--no-editor")
    return url


def drop_database(name):
    with psycopg.connect(POSTGRES + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Machine:
    """One app machine: the app (`workers` processes), the worker and the front."""

    def __init__(self, name, folder, env, *, static_root, media_root, workers=2, worker=True):
        self.name = name
        self.folder = Path(folder)
        self.var = self.folder / "var"
        self.page_files = self.var / "page-files"
        self.static_root = static_root
        self.media_root = media_root
        self.workers = workers
        self.with_worker = worker
        self.env = {
            **env,
            "DATELINE_VAR_DIR": str(self.var),
            "PAGE_FILES_DIR": str(self.page_files),
            "MEDIA_ROOT": str(media_root),
        }
        self.app = self.worker = self.front = None
        self.front_port = None
        # The site's address readers use (the balancer's), sent to this front as
        # the balancer sends it: pages are cached per host.
        self.site_host = None

    def start(self):
        """Start (or restart, on the same front port) every process of this machine."""
        # What a crashed machine's files show may predate a purge it never heard
        # (deploy/systemd/dateline-front.service empties them before nginx starts).
        shutil.rmtree(self.page_files, ignore_errors=True)
        self.page_files.mkdir(parents=True, exist_ok=True)
        self.app = DatelineServer(self.env, workers=self.workers)
        if self.with_worker:
            self.worker = Process(
                [*DATELINE, "worker", "--interval", self.env.get("WORKER_INTERVAL", "2")],
                self.var / "worker.log",
                env=self.env,
                cwd=ROOT,
            )
        self.front = Nginx.front(
            self.folder / "nginx",
            app=f"127.0.0.1:{self.app.port}",
            static_root=self.static_root,
            media_root=self.media_root,
            page_files_dir=self.page_files,
            http_extra=FRONT_HTTP + KEEPALIVE_HTTP,
            worker_processes=1,
        )
        self.front.start(ports=[self.front_port] if self.front_port else None)
        self.front_port = self.front.ports[0]
        return self

    @property
    def url(self):
        """The machine's own front, past the balancer."""
        return f"http://127.0.0.1:{self.front_port}"

    def fetch(self, path, **options):
        """`servers.fetch` of `path` from this machine's own front, for the site's host."""
        headers = {"Host": self.site_host} if self.site_host else {}
        return fetch(self.url + path, headers=headers, **options)

    def processes(self):
        front = self.front and self.front.process
        return [p for p in (self.app and self.app.process, self.worker, front) if p]

    def kill(self):
        """Every process of the machine SIGKILLed at once, as when it loses power."""
        for process in self.processes():
            process.kill()

    def stop(self):
        for process in reversed(self.processes()):
            process.stop()

    def renders(self, path):
        """How many times this machine's app rendered `path` (every run of it, restarts too)."""
        wanted = "rendered " + path
        count = 0
        for log in self.var.glob("server-*.log"):
            for line in log.read_text(errors="replace").splitlines():
                if line.startswith("{") and json.loads(line).get("message") == wanted:
                    count += 1
        return count


class Cluster:
    """`machines` app machines behind one balancing nginx, on loopback.

    `env` names the shared services (DATABASE_URL, REDIS_URL) and one
    SECRET_KEY for all (form tokens, sessions and signed links must be valid
    on every machine); the database must be migrated and filled already.
    """

    def __init__(self, folder, env, *, machines=3, workers=2, worker=True):
        if not env.get("SECRET_KEY"):
            raise ValueError("every machine needs the same SECRET_KEY")
        self.folder = Path(folder)
        self.env = {
            **{k: v for k, v in env.items() if k != "DEBUG"},
            # One JSON line per request and render, so tests can count renders.
            "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
            "LOG_FORMAT": "json",
            "TRUSTED_PROXIES": "127.0.0.1",
        }
        self.machine_count = machines
        self.workers = workers
        self.with_worker = worker
        self.machines = []
        self.balancer = None

    def _shared_media(self):
        """Where uploads live. With the S3 settings set, the object store (they are passed to
        every machine). Without them one folder every machine reads and writes renditions
        to stands in for it: the one thing here on a shared disk, as a shared volume would
        be in production (docs/media-storage.md says why a bucket is better)."""
        media = Path(self.env.get("MEDIA_ROOT") or self.folder / "shared-media")
        media.mkdir(parents=True, exist_ok=True)
        return media

    def start(self):
        media = self._shared_media()
        build = self.folder / "build"
        build_env = {**self.env, "DATELINE_VAR_DIR": str(build), "MEDIA_ROOT": str(media)}
        collected_static(build_env)
        passed = {name: os.environ[name] for name in S3_SETTINGS if os.environ.get(name)}
        for number in range(1, self.machine_count + 1):
            folder = self.folder / f"machine-{number}"
            static = folder / "var" / "static"
            # Each machine has its own copy of the release's static files.
            shutil.copytree(build / "static", static, dirs_exist_ok=True)
            machine = Machine(
                f"machine-{number}",
                folder,
                {**self.env, **passed},
                static_root=static,
                media_root=media,
                workers=self.workers,
                worker=self.with_worker,
            )
            self.machines.append(machine)
            machine.start()
        self.balancer = Nginx.balancer(
            self.folder / "balancer",
            fronts=[f"127.0.0.1:{m.front_port}" for m in self.machines],
            http_extra=KEEPALIVE_HTTP,
        ).start()
        for machine in self.machines:
            machine.site_host = f"127.0.0.1:{self.balancer.ports[0]}"
        return self

    @property
    def url(self):
        return self.balancer.url

    def renders(self, path):
        return sum(machine.renders(path) for machine in self.machines)

    def stop(self):
        if self.balancer is not None:
            self.balancer.stop()
        for machine in self.machines:
            machine.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
