"""Every environment variable Dateline reads is in README.md's table, and nothing else is."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# How the code reads a variable: os.environ.get("X"), os.environ["X"], env_bool("X"), ...
READS = re.compile(
    r"""(?:os\.environ(?:\.get)?\s*[\[(]|env_(?:bool|int|list)\()\s*["']([A-Z_]+)["']"""
)
# Set for Django itself by our entry points, not read as a setting.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}


def variables_read():
    found = {}
    for path in (ROOT / "dateline").rglob("*.py"):
        if "tests" in path.parts or "testing" in path.parts:
            continue
        for name in READS.findall(path.read_text()):
            found.setdefault(name, path.relative_to(ROOT))
    return {name: where for name, where in found.items() if name not in NOT_SETTINGS}


def variables_documented():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| variable | default | meaning |") :]
    table = table[: table.index("\n\n")]
    names = set()
    for row in table.splitlines():
        first_cell = row.split("|")[1] if row.startswith("|") else ""
        names.update(re.findall(r"`([A-Z_]+)`", first_cell))
    return names


def test_every_variable_read_is_documented():
    documented = variables_documented()
    undocumented = {n: str(w) for n, w in variables_read().items() if n not in documented}
    assert not undocumented, f"add these to README.md's settings table: {undocumented}"


def test_every_documented_variable_is_read():
    stale = variables_documented() - set(variables_read())
    assert not stale, f"README.md documents variables nothing reads: {sorted(stale)}"


def test_the_scan_finds_what_settings_reads():
    # The scan itself: a variable read each way is found.
    found = variables_read()
    for name in ("DATABASE_URL", "DEBUG", "ALLOWED_HOSTS", "EMAIL_PORT", "WEB_THREADS"):
        assert name in found, name
