"""Page files: fresh anonymous pages written to disk for nginx to send as files.

nginx answers a hit in its proxy cache about a fifth slower than it sends a
plain file (it reads and parses the stored response's headers for every
request). With PAGE_FILES_DIR set, the page cache also writes each fresh
anonymous HTML page to `<dir>/<scheme>/<host><path>index.html` (and each JSON
document at such an address, a live page's poll document, to `index.json`), and
deploy/nginx.conf sends that file, when it exists, to plain GET/HEAD requests
without a query string, a session cookie or credentials; everything else
reaches the app. The scheme is part of the name because the two differ behind
HTTPS: there the app answers plain HTTP with a redirect, never with a page, so
no file is ever written for http and nginx sends such requests to the app.

A file is only ever a copy of a fresh cache entry, and it goes as soon as the
entry would stop being fresh:
- a purge deletes the files of the paths it marks (all of them for the whole
  site), right after writing its markers;
- a file is written only after checking that no purge has marked its path
  since the page was rendered, and checked again after it is in place, so a
  purge landing in between cannot leave an out-of-date file behind;
- a sweeper thread in each app process deletes files older than the policy's
  `fresh_seconds`, which bounds changes that purge nothing (a photo edited in
  the image library) exactly as the page cache itself does.

The folder is on the machine that runs nginx, and nothing is shared between
machines: each app machine keeps its own files for its own nginx. A purge
deletes the purging machine's files at once, and every process that keeps
files hears the purge notice (broadcast.py) and deletes its machine's files
for those paths (`notices`); while a process is not subscribed it may have
missed one, so its machine's files all go whenever the subscription is lost,
and whenever a process subscribes or a server process starts with no other
process of the machine subscribed (each marks itself in `.listening/` while its
subscription answers). A new release keeps the previous release's files for
RELEASE_GRACE_SECONDS, time for its warming to write them again. A page
another machine rendered is written here on its first hit (`restore`), so
every front sends files again after a purge.
"""

import contextlib
import logging
import os
import re
import shutil
import threading
import time
from pathlib import Path

from django.conf import settings

from dateline.operations.background import PerProcess, start_daemon

from . import broadcast, keys

logger = logging.getLogger("dateline.caching")

# Only addresses made of plain path segments ending in "/" (Wagtail's pages):
# the file name can then never leave the folder.
STORABLE_PATH = re.compile(r"^/(?:[A-Za-z0-9_-]+/)*$")
STORABLE_HOST = re.compile(r"^[a-z0-9.-]+$")
SCHEMES = ("http", "https")
FILE_NAME = "index.html"
# By the response's media type; nginx sends each with the type of its extension.
FILE_NAMES = {"text/html": FILE_NAME, "application/json": "index.json"}


def root():
    folder = getattr(settings, "DATELINE_PAGE_FILES_DIR", "")
    return Path(folder) if folder else None


def _hostname(host):
    # nginx's $host: lower case, without the port.
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name.lower()


def file_for(folder, scheme, host, path, file_name=FILE_NAME):
    name = _hostname(host)
    if scheme not in SCHEMES or ".." in name:
        return None
    if not (STORABLE_HOST.match(name) and STORABLE_PATH.match(path)):
        return None
    return folder / scheme / name / path.lstrip("/") / file_name


def file_name_for(response):
    """The file a response is kept as (by its media type), or None."""
    media_type = response.get("Content-Type", "").split(";", 1)[0].strip()
    return FILE_NAMES.get(media_type)


def is_storable(request, response):
    return (
        request.method == "GET"
        and response.status_code == 200
        and not request.META.get("QUERY_STRING")
        and file_name_for(response) is not None
        and STORABLE_PATH.match(request.path) is not None
    )


def write(cache, scheme, host, path, body, rendered_at, file_name=FILE_NAME):
    """Write a fresh page's file, unless a purge has marked its path since it was rendered."""
    folder = root()
    target = file_for(folder, scheme, host, path, file_name) if folder else None
    if target is None:
        return False
    if _purged_since(cache, path, rendered_at):
        return False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{os.getpid()}-{threading.get_ident()}.tmp")
        temporary.write_bytes(body)
        # The file's time is the render's: nginx sends it as Last-Modified,
        # and the sweeper ages the file from it.
        os.utime(temporary, (rendered_at, rendered_at))
        os.replace(temporary, target)
    except OSError as error:
        logger.warning("page file not written for %s: %s", path, error)
        return False
    if _purged_since(cache, path, rendered_at):
        # A purge landed while the file was written; its deletion may have
        # come before the rename.
        _unlink(target)
        return False
    return True


def restore(cache, scheme, host, path, body, rendered_at, file_name=FILE_NAME):
    """Write a fresh page's file on a hit, if this machine has none (another one rendered it)."""
    folder = root()
    target = file_for(folder, scheme, host, path, file_name) if folder else None
    if target is None or target.exists():
        return False
    return write(cache, scheme, host, path, body, rendered_at, file_name)


def _purged_since(cache, path, rendered_at):
    markers = cache.get_many([keys.path_marker(path), keys.SITE_MARKER])
    return max(markers.values(), default=0) >= rendered_at


def _host_folders(folder):
    for scheme in SCHEMES:
        with contextlib.suppress(FileNotFoundError):
            for host_folder in (folder / scheme).iterdir():
                yield scheme, host_folder


def remove(paths):
    """Delete the files of these paths, for every scheme and host."""
    folder = root()
    if folder is None or not folder.is_dir():
        return
    for scheme, host_folder in list(_host_folders(folder)):
        for path in paths:
            for file_name in FILE_NAMES.values():
                target = file_for(folder, scheme, host_folder.name, path, file_name)
                if target is not None:
                    _unlink(target)


def remove_all():
    folder = root()
    if folder is None or not folder.is_dir():
        return
    for _scheme, host_folder in list(_host_folders(folder)):
        # Renamed first, so nginx stops finding the files at once, however
        # long deleting them takes.
        doomed = folder / f".purged-{os.getpid()}-{time.monotonic_ns()}"
        with contextlib.suppress(OSError):
            host_folder.rename(doomed)
            shutil.rmtree(doomed, ignore_errors=True)


def sweep(max_age, now=None):
    """Delete files older than `max_age` seconds, and the previous release's once
    this machine's release is RELEASE_GRACE_SECONDS old; returns how many went."""
    folder = root()
    if folder is None or not folder.is_dir():
        return 0
    now = now or time.time()
    cutoff = now - max_age
    arrived = release_arrived(folder)
    if arrived is not None and now - arrived >= RELEASE_GRACE_SECONDS:
        cutoff = max(cutoff, arrived)
    removed = 0
    for scheme in SCHEMES:
        for directory, _subfolders, names in os.walk(folder / scheme):
            for name in names:
                target = Path(directory) / name
                with contextlib.suppress(OSError):
                    if target.stat().st_mtime < cutoff:
                        target.unlink()
                        removed += 1
    return removed


# A new release's processes keep the files the previous release wrote for this
# long: the release's warming writes the pages readers ask for again meanwhile,
# and nginx goes on sending files while the release starts (issue 19: dropping
# them all at once sent every reader to processes still loading).
RELEASE_GRACE_SECONDS = 60
RELEASE_MARK = ".release"


def note_release():
    """Record on this machine when the release this process runs arrived here."""
    folder = root()
    if folder is None:
        return
    mark, current = folder / RELEASE_MARK, keys.release()
    with contextlib.suppress(OSError):
        if mark.read_text() == current:
            return
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        fresh = folder / f"{RELEASE_MARK}.{os.getpid()}"
        fresh.write_text(current)
        fresh.replace(mark)  # its time is the release's arrival


def release_arrived(folder):
    """When this process's release arrived on this machine (None: not recorded)."""
    mark = folder / RELEASE_MARK
    try:
        if mark.read_text() != keys.release():
            return None
        return mark.stat().st_mtime
    except OSError:
        return None


# Which processes on this machine hear purge notices now: one marker per
# process, touched while its subscription answers.
LISTENING = ".listening"
HEARTBEAT_SECONDS = 1.0
ALIVE_SECONDS = 3.0


def mark_listening(listening):
    folder = root()
    if folder is None:
        return
    marker = folder / LISTENING / str(os.getpid())
    with contextlib.suppress(OSError):
        if listening:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        else:
            marker.unlink(missing_ok=True)


def another_process_listening():
    """Whether another live process on this machine is subscribed to purge notices now.

    Such a process has heard every notice since it subscribed, or will find
    its subscription lost and drop every file: either way the files stand.
    """
    folder = root()
    if folder is None:
        return False
    now, me = time.time(), str(os.getpid())
    try:
        markers = list((folder / LISTENING).iterdir())
    except OSError:
        return False
    for marker in markers:
        if marker.name == me:
            continue
        try:
            fresh = now - marker.stat().st_mtime < ALIVE_SECONDS
        except OSError:
            continue
        if fresh and _running(marker.name):
            return True
        if not fresh:
            with contextlib.suppress(OSError):  # another user's, or gone meanwhile
                marker.unlink()
    return False


def _running(pid):
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def _unlink(target):
    with contextlib.suppress(FileNotFoundError):
        target.unlink()


class Sweeper:
    """One thread per process deleting files as they stop being fresh."""

    def __init__(self):
        self.max_age = None
        self._thread = PerProcess(self._start)

    def ensure_started(self, max_age):
        self.max_age = max_age
        self._thread.ensure_started()

    def _start(self):
        start_daemon("dateline-page-files", self._run)

    def _run(self):
        while True:
            time.sleep(max(1.0, min(self.max_age / 10, 30.0)))
            try:
                sweep(self.max_age)
            except Exception:  # keep sweeping whatever one pass met
                logger.exception("page files sweep failed")


sweeper = Sweeper()


class PurgeNotices:
    """Deletes this machine's files for the purges other machines announce.

    Every process that keeps files subscribes (deleting twice is harmless),
    so a machine hears notices as long as one of its processes does. While a
    process is not subscribed it may miss a notice: on every (re)subscription
    and loss its machine's files all go, and pages are written again as they
    are served.
    """

    def __init__(self, listener=None):
        self.listener = listener
        self._subscribed = PerProcess(self._subscribe)

    def ensure_started(self):
        self._subscribed.ensure_started()

    def _subscribe(self):
        if self.listener is None:
            self.listener = broadcast.process_listener()
        self.listener.on(broadcast.PURGES, self._heard)
        self.listener.on_reset(self._reset)
        self.listener.ensure_started()
        start_daemon("dateline-page-files-listening", self._beat)

    def _reset(self):
        """Subscribed anew, or the subscription lost: a notice may have been missed.

        Lost: every file goes. Subscribed while another process of this machine
        holds its subscription: that one heard every notice, the files stand.
        """
        if self.listener.is_listening and another_process_listening():
            return
        remove_all()

    def _beat(self):
        while True:
            mark_listening(self.listener.is_listening)
            time.sleep(HEARTBEAT_SECONDS)

    def _heard(self, data):
        paths = broadcast.paths_in(data)
        if broadcast.EVERY_PATH in paths:
            remove_all()
        else:
            remove(paths)


notices = PurgeNotices()


def server_process_started():
    """Called as each server process starts (dateline/wsgi.py), before it serves.

    The files on this machine were written by processes that may have missed
    purges while none was listening (the machine crashed, the app was down), and
    nginx sends them without asking the app: unless another process here is
    subscribed to purge notices now (a deploy's old release, a sibling worker),
    they all go. This process listens from now on, not from its first cache miss.
    """
    if root() is None:
        return
    if not another_process_listening():
        remove_all()
    notices.ensure_started()
