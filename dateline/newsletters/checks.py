"""The editorial checks, run on an issue before it is sent, as on an article.

An issue is read as an article: the subject as headline, the preheader as
deck, the intro and text blocks as paragraphs, headings and quotes as the
article body's own blocks. Checks the site marks as blocking hold the send.
"""

from dataclasses import dataclass

from wagtail.models import Site

from dateline.editorial_checks.models import EditorialChecksSettings
from dateline.editorial_checks.runner import run_checks


@dataclass
class IssueAsArticle:
    title: str
    deck: str
    body: list
    dateline: str = ""
    pk: None = None  # no page: no dismissals to look up


class _Block:
    def __init__(self, block_type, value, block_id):
        self.block_type, self.value, self.id = block_type, value, block_id


class _RichText:
    def __init__(self, source):
        self.source = source


def as_article(issue):
    body = []
    if issue.intro:
        paragraphs = "".join(f"<p>{line}</p>" for line in issue.intro.splitlines() if line.strip())
        body.append(_Block("paragraph", _RichText(paragraphs), "intro"))
    for block in issue.body:
        if block.block_type in {"paragraph", "heading", "quote"}:
            body.append(block)
    return IssueAsArticle(title=issue.subject, deck=issue.preheader, body=body)


def report_for(issue):
    site = Site.objects.filter(is_default_site=True).first()
    style = EditorialChecksSettings.for_site(site) if site else EditorialChecksSettings()
    return run_checks(as_article(issue), style=style)


def blocking_findings(issue):
    """What stops this issue from going out, in words; empty when it may be sent."""
    report = report_for(issue)
    return [f"{item.location.label}: {item.rule} (“{item.span}”)" for item in report.blocking]
