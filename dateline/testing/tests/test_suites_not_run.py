"""A test run ends by naming the end-to-end suites it could not run, and how to enable them.

Each case runs pytest in a subprocess on a small generated test file, with
the project's configuration and the root conftest (where the summary hook is)
as the generated file's own, and Chromium pointed at a path that does not exist.
"""

import os
import subprocess
import sys

from dateline.testing.servers import ROOT

TESTS = """
from dateline.testing.requirements import require

def test_in_chromium():
    require("browser")

def test_in_chromium_again():
    require("browser")

def test_needing_nothing():
    pass
"""


# The root conftest, run as the generated folder's conftest: loaded when pytest
# loads conftests (after pytest-django has configured Django), as in the real run.
CONFTEST = f"""
import runpy
for name, value in runpy.run_path({str(ROOT / "conftest.py")!r}).items():
    if not name.startswith("__"):
        globals()[name] = value
"""


def run_pytest(tmp_path, tests=TESTS, **env):
    (tmp_path / "test_generated.py").write_text(tests)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment.update(CHROMIUM_PATH=str(tmp_path / "no-chromium"), **env)
    return subprocess.run(  # noqa: S603 - this venv's pytest
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
        + ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT)]
        + [str(tmp_path / "test_generated.py")],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_run_ends_with_each_suite_not_run_and_the_command_that_enables_it(tmp_path):
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout
    assert "1 passed, 2 skipped" in output
    summary = output[output.index("= suites not run =") :]
    assert summary.splitlines()[1:3] == [
        f"browser: 2 tests not run; missing: Chromium at {tmp_path / 'no-chromium'}",
        "    enable with: "
        + ("" if os.geteuid() == 0 else "sudo ")
        + "apt-get install -y chromium",
    ]
    # After pytest's own list of skips, just before the closing count.
    assert output.index("short test summary info") < output.index("= suites not run =")
    assert summary.splitlines()[3].startswith("=") and "1 passed" in summary.splitlines()[3]


def test_under_ci_a_missing_prerequisite_fails_the_test(tmp_path):
    result = run_pytest(tmp_path, CI="true")
    assert result.returncode == 1
    assert "2 failed, 1 passed" in result.stdout
    assert "browser suite not run: Chromium at" in result.stdout
    assert "(required under CI)" in result.stdout


def test_no_summary_when_every_suite_ran(tmp_path):
    result = run_pytest(tmp_path, tests="def test_needing_nothing():\n    pass\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "suites not run" not in result.stdout
