"""Blocking findings stop every road by which an article goes live.

Wagtail publishes a page along two roads. The editor's Publish button (on the
edit page, the new-page form and an old version opened from the history) runs
the `before_publish_page` hook and then Wagtail's publish action itself; the
hook is in wagtail_hooks.py. Every other road calls the page model's
`publish()`: approving a workflow's last task, bulk publishing from the page
listing, scheduled publishing (`publish_scheduled`, which the worker runs) and
any code calling `revision.publish()`. `ArticlePage.publish` asks its publish
guards first (dateline/news/hooks.py), and `held_by_checks` is one of them
(apps.py), so the rule for those roads lives here, once.

Where someone waits for the answer, the refusal is an exception,
`PublishingBlocked`, raised before anything changes; the admin turns it into a
message (middleware.py). Scheduled publishing has nobody waiting: the version
stays scheduled and not live, the page's history records why (once), and the
article's owner and whoever scheduled it are emailed. Each later scheduling
pass checks again, so dismissing the finding lets the worker publish it.
"""

import logging

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from wagtail.admin.mail import send_mail
from wagtail.admin.utils import get_admin_base_url
from wagtail.log_actions import log
from wagtail.models import PageLogEntry

from .runner import run_checks

logger = logging.getLogger(__name__)

SCHEDULE = "wagtail.publish.schedule"
BLOCKED_ACTION = "editorial_checks.publish_blocked"
HELD_ACTION = "editorial_checks.publish_held"


class PublishingBlocked(Exception):
    """A version of an article would have gone live with blocking findings open.

    Raised before anything is written, so the version stays saved as it was.
    """

    def __init__(self, page, revision, findings):
        self.page = page
        self.revision = revision
        self.findings = findings
        super().__init__(f"“{page.title}”: {describe(findings)}")


def blocking_count(findings):
    """“2 findings block publishing”."""
    return ngettext(
        "%(count)d finding blocks publishing",
        "%(count)d findings block publishing",
        len(findings),
    ) % {"count": len(findings)}


def describe(findings, limit=5):
    """“2 findings block publishing (Deck: …; Body block 3 (caption): …)”."""
    listed = "; ".join(f"{item.location.label}: {item.rule}" for item in findings[:limit])
    if len(findings) > limit:
        listed += f"; {len(findings) - limit} more"
    return f"{blocking_count(findings)} ({listed})"


def fix_or_dismiss(findings):
    return ngettext(
        "fix or dismiss the finding in the article's Checks panel",
        "fix or dismiss the findings in the article's Checks panel",
        len(findings),
    )


def blocking_findings(version):
    """The open findings that stop `version` (a page, saved or as a revision has it) going live."""
    return run_checks(version).blocking


def record_refusal(page, revision, findings, user=None, action=BLOCKED_ACTION):
    """A row in the page's history: who tried, which version, what stopped it."""
    return log(
        instance=page,
        action=action,
        user=user,
        revision=revision,
        data={
            "findings": [
                {
                    "code": item.code,
                    "field": item.location.path,
                    "label": item.location.label,
                    "rule": item.rule,
                }
                for item in findings
            ]
        },
    )


def held_by_checks(page, revision, *, scheduled):
    """True if scheduled publishing must leave `revision` scheduled for now.

    Raises PublishingBlocked on every other road, where a person can act on
    the answer at once.
    """
    findings = blocking_findings(revision.as_object())
    if not findings:
        return False
    if not scheduled:
        raise PublishingBlocked(page, revision, findings)
    # The worker asks again on every pass: record and tell once per version.
    if not PageLogEntry.objects.filter(page=page, action=HELD_ACTION, revision=revision).exists():
        record_refusal(page, revision, findings, action=HELD_ACTION)
        notify_held(page, revision, findings)
    return True


def people_to_tell(page, revision):
    """The article's owner and whoever scheduled this version, if they have an address."""
    scheduled = (
        PageLogEntry.objects.filter(page=page, action=SCHEDULE, revision=revision)
        .select_related("user")
        .order_by("-timestamp")
        .first()
    )
    people = [page.owner, scheduled.user if scheduled else None]
    addresses = [person.email for person in people if person and person.is_active and person.email]
    return list(dict.fromkeys(addresses))  # an owner who scheduled it is told once


def notify_held(page, revision, findings):
    addresses = people_to_tell(page, revision)
    if not addresses:
        return
    due = timezone.localtime(revision.approved_go_live_at)
    lines = "\n".join(f"- {item.location.label}: {item.rule}" for item in findings)
    body = (
        f"“{page.title}” was scheduled to go live at {due:%d %b %Y, %H:%M %Z}, but "
        f"{blocking_count(findings)}:\n\n{lines}\n\n"
        "It stays scheduled and is not live. Dismiss a finding with a reason in the "
        "article's Checks panel and the next scheduling pass publishes it; or fix the "
        "text and publish or schedule the new version.\n\n"
        f"{get_admin_base_url()}{reverse('wagtailadmin_pages:edit', args=[page.pk])}\n"
    )
    try:
        send_mail(f"Not published: “{page.title}” is held by the editorial checks", body, addresses)
    except Exception:
        # The hold is already in the page's history and on the dashboard; a
        # mail server's failure must not stop the other due pages going live.
        logger.exception("Could not tell %s that page %s is held", addresses, page.pk)
