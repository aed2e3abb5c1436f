"""Counts of what an import did, per kind of object, with the reasons for what it did not."""

from collections import Counter, defaultdict
from dataclasses import dataclass

OUTCOMES = ("created", "updated", "unchanged", "skipped", "failed")


@dataclass
class Note:
    kind: str
    label: str
    message: str


class Summary:
    def __init__(self):
        self.counts = defaultdict(Counter)
        self.skips = []
        self.failures = []
        self.warnings = []

    def record(self, kind, outcome, label="", reason=""):
        assert outcome in OUTCOMES, outcome
        self.counts[kind][outcome] += 1
        if outcome == "skipped":
            self.skips.append(Note(kind, label, reason))
        elif outcome == "failed":
            self.failures.append(Note(kind, label, reason))

    def warn(self, kind, label, message):
        self.warnings.append(Note(kind, label, message))

    @property
    def failed(self):
        return bool(self.failures)

    def wrote_anything(self):
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def count(self, kind, outcome):
        return self.counts[kind][outcome]

    def table(self):
        """One line per kind: `post: 3 created, 1 updated, 0 unchanged, 2 skipped, 0 failed`."""
        lines = []
        for kind in sorted(self.counts):
            counts = self.counts[kind]
            lines.append(f"{kind}: " + ", ".join(f"{counts[o]} {o}" for o in OUTCOMES))
        return lines

    def notes(self):
        sections = [
            ("Failed", self.failures),
            ("Skipped", self.skips),
            ("Warnings", self.warnings),
        ]
        lines = []
        for heading, notes in sections:
            if notes:
                lines.append(f"{heading} ({len(notes)}):")
                lines.extend(f"  {n.kind} {n.label}: {n.message}" for n in notes)
        return lines
