"""The static files of each test stack, collected once for this checkout's files.

`dateline collectstatic` takes 6-10 s on the CI machine: it copies Wagtail's
admin files and compresses each of them twice (gzip and Brotli, whitenoise),
and every end-to-end stack collected its own. `collected_static(env)` fills
the folder `env`'s settings collect into (`<var>/static`) from one collected
once for these static sources and packages, kept in the temporary folder as
`dateline_static_<digest>` (one of another digest is deleted when a new one is
made). The files are hard links where the two folders share a file system,
copies where they do not: each stack owns its folder either way, so deleting
the template never takes a running stack's files. The tests of the embedded
run keep the real command: they are what a new user types.
"""

import os
import shutil
import tempfile
from pathlib import Path

from dateline.testing.migrated import files_digest, template_lock
from dateline.testing.servers import ROOT, dateline

PREFIX = "dateline_static_"


def static_digest():
    """What decides the collected files: our static sources and the installed packages
    (Wagtail's and Django's own static files come with their versions)."""
    sources = (path for path in ROOT.glob("dateline/**/static/**/*") if path.is_file())
    return files_digest(sorted(sources))


def static_root(env):
    """Where `env`'s settings collect static files (STATIC_ROOT, settings.py)."""
    return Path(env.get("DATELINE_VAR_DIR") or ROOT / "var") / "static"


def collected_static(env, timeout=600):
    """`env`'s static folder, filled as `dateline collectstatic` fills it."""
    template = Path(tempfile.gettempdir()) / f"{PREFIX}{static_digest()}"
    with template_lock(template.name):
        if not template.exists():
            # Files of other static sources, and any left half made, go first.
            for other in template.parent.glob(PREFIX + "*"):
                if other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)
            partial = template.with_name(template.name + ".partial")
            collect_env = {**env, "DATELINE_VAR_DIR": str(partial)}
            dateline(collect_env, "collectstatic", "--noinput", "-v0", timeout=timeout)
            (partial / "static").rename(template)
            shutil.rmtree(partial)
    shutil.copytree(template, static_root(env), copy_function=_link_or_copy, dirs_exist_ok=True)


def _link_or_copy(source, target):
    try:
        os.link(source, target)
    except FileExistsError:
        os.unlink(target)
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)
