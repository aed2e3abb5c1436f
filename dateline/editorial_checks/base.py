"""What a check is, what it reports, and the registry that holds every check.

A check is one small declarative class: a code, a severity, whether it blocks
publishing unless a site says otherwise, and `run(article)` yielding findings.
"""

import enum
import hashlib
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    # Ordered, so the worst finding of a report is `max(...)`.
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self):
        return self.name.lower()


@dataclass(frozen=True)
class Location:
    """Where in the article a piece of text lives.

    `path` names the field for people and for dismissals ("deck",
    "body.3.caption"); `key` is stable when blocks are reordered (it uses the
    block's id, not its position), and `input_id` is the editor's form input.
    """

    path: str
    label: str
    key: str
    input_id: str


@dataclass(frozen=True)
class Finding:
    code: str
    rule: str
    severity: Severity
    location: Location
    span: str
    start: int | None = None
    suggestion: str = ""
    # Other places the finding points at: the second spelling, the other year.
    related: tuple = field(default=())

    @property
    def fingerprint(self):
        """Identifies the finding across saves, so a dismissal stays dismissed
        while the text it is about is unchanged."""
        raw = "\x1f".join([self.code, self.location.key, self.span])
        return hashlib.sha256(raw.encode()).hexdigest()[:24]

    @property
    def field(self):
        return self.location.path


class Check:
    """One editorial rule. Subclasses set the class attributes and `run`."""

    code = ""
    title = ""
    severity = Severity.WARNING
    blocking_by_default = False
    # "figures", "consistency", "style", "links" or "weight"
    group = ""

    def run(self, article):
        """Yield a Finding for each problem in `article` (an ArticleText)."""
        raise NotImplementedError

    def finding(self, location, span, rule, *, suggestion="", start=None, related=()):
        return Finding(
            code=self.code,
            rule=rule,
            severity=self.severity,
            location=location,
            span=span,
            start=start,
            suggestion=suggestion,
            related=tuple(related),
        )


class CheckRegistry:
    def __init__(self):
        self._checks = {}

    def register(self, check_class):
        """Class decorator: `@registry.register` adds one instance of the check."""
        if not check_class.code:
            raise ValueError(f"{check_class.__name__} has no code")
        if check_class.code in self._checks:
            raise ValueError(f"Two checks share the code {check_class.code!r}")
        self._checks[check_class.code] = check_class()
        return check_class

    def unregister(self, code):
        self._checks.pop(code, None)

    def __iter__(self):
        return iter(self._checks.values())

    def __contains__(self, code):
        return code in self._checks

    def get(self, code):
        return self._checks[code]

    def choices(self):
        return [(check.code, f"{check.title} ({check.code})") for check in self]


registry = CheckRegistry()
