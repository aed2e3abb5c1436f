"""Running the import command the way an operator would, on the hand-made export."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image as PillowImage

FIXTURES = Path(__file__).parent / "fixtures"
SITE_EXPORT = FIXTURES / "harbour-gazette.xml"


class Run:
    """What one `dateline import-wordpress` printed, and its exit status."""

    def __init__(self, output, status):
        self.output, self.status = output, status

    def summary_line(self, kind):
        """`post: 6 created, ...` as a dict of counts."""
        for line in self.output.splitlines():
            if line.strip().startswith(f"{kind}:"):
                pairs = line.split(":", 1)[1].split(",")
                return {p.split()[1]: int(p.split()[0]) for p in pairs}
        raise AssertionError(f"no summary line for {kind} in:\n{self.output}")


def run_import(export=SITE_EXPORT, *args):
    out = io.StringIO()
    status = 0
    try:
        call_command("import_wordpress", str(export), *args, stdout=out, stderr=out)
    except SystemExit as exit:
        status = exit.code
    return Run(out.getvalue(), status)


@pytest.fixture
def uploads(tmp_path):
    """A local copy of wp-content/uploads holding two of the export's three photos."""
    root = tmp_path / "uploads"
    (root / "2025" / "08").mkdir(parents=True)
    PillowImage.new("RGB", (160, 100), "navy").save(root / "2025/08/storm-quay.jpg")
    PillowImage.new("RGB", (120, 80), "teal").save(root / "2025/08/ferry-ramp.png")
    # The export points one attachment outside the uploads folder, at this file.
    (tmp_path / "outside").mkdir()
    PillowImage.new("RGB", (10, 10), "red").save(tmp_path / "outside" / "secret.png")
    return root
