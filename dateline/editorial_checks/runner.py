"""Runs the registered checks on an article and applies the site's policy:
which checks run, which block publishing, which findings were dismissed."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from wagtail.log_actions import log
from wagtail.models import PageLogEntry, Site

from .article import ArticleText
from .base import registry
from .models import EditorialChecksSettings

logger = logging.getLogger(__name__)

DISMISS_ACTION = "editorial_checks.dismiss"


@dataclass(frozen=True)
class ReportedFinding:
    finding: object
    blocking: bool
    dismissal: object = None  # the PageLogEntry recording why it was dismissed

    def __getattr__(self, name):
        return getattr(self.finding, name)

    @property
    def is_open(self):
        return self.dismissal is None


@dataclass(frozen=True)
class Report:
    items: list
    failed_checks: list

    @property
    def open(self):
        return [item for item in self.items if item.is_open]

    @property
    def dismissed(self):
        return [item for item in self.items if not item.is_open]

    @property
    def blocking(self):
        """Open findings of checks the site marks as blocking: these stop publishing."""
        return [item for item in self.open if item.blocking]

    def find(self, fingerprint):
        return next((item for item in self.items if item.fingerprint == fingerprint), None)


def site_of(page, parent=None):
    if page.pk and page.path:
        return page.get_site()
    if parent is not None:
        return parent.get_site()
    return Site.objects.filter(is_default_site=True).first()


def settings_for(page, parent=None):
    site = site_of(page, parent)
    if site is None:
        return EditorialChecksSettings()
    return EditorialChecksSettings.for_site(site)


def dismissals_for(page):
    if not page.pk:
        return {}
    entries = PageLogEntry.objects.filter(page_id=page.pk, action=DISMISS_ACTION).order_by(
        "timestamp"
    )
    return {entry.data.get("fingerprint"): entry for entry in entries}


def run_checks(page, style=None, parent=None):
    """The report for `page`, an ArticlePage saved or not."""
    style = style or settings_for(page, parent)
    article = ArticleText.from_page(page, style)
    return report_for(article, style, dismissals_for(page))


def report_for(article, style, dismissals=None):
    """Every enabled check run on `article` (an ArticleText built any way), with the policy."""
    dismissals = dismissals or {}
    items, failed = [], []
    for check in registry:
        if not style.is_enabled(check.code):
            continue
        try:
            findings = list(check.run(article))
        except Exception:
            # A broken check must not stop an editor from saving; it is logged
            # and named in the report instead.
            logger.exception("Editorial check %s failed on page %s", check.code, article.page.pk)
            failed.append(check)
            continue
        for finding in findings:
            items.append(
                ReportedFinding(
                    finding,
                    blocking=style.is_blocking(check.code),
                    dismissal=dismissals.get(finding.fingerprint),
                )
            )
    # Worst first: what blocks publishing, then errors, warnings and notes; in
    # the checks' own order within each (a stable sort keeps it).
    items.sort(key=lambda item: (not item.blocking, -item.severity))
    return Report(items=items, failed_checks=failed)


def dismiss(page, fingerprint, reason, user):
    """Record in the page's audit log that an editor dismissed a finding, and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the finding does not apply.")
    item = run_checks(page.get_latest_revision_as_object()).find(fingerprint)
    if item is None:
        raise ValidationError("That finding is no longer reported; the text may have changed.")
    return log(
        instance=page,
        action=DISMISS_ACTION,
        user=user,
        data={
            "fingerprint": fingerprint,
            "code": item.code,
            "field": item.location.path,
            "span": item.span,
            "rule": item.rule,
            "reason": reason,
        },
    )
