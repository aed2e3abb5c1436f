"""Newsletters, their readers, the issues editors compose and the sends that deliver them.

Delivery is a queue in the database: one `Delivery` row per recipient of a
`Send`, claimed by a worker, handed to the mail server, and marked with what
became of it (delivery.py, docs/newsletters.md).
"""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import PreviewableMixin
from wagtail.search import index

from .blocks import IssueBodyBlock

HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def no_header_breaks(value):
    """Text that goes into a mail header (names, subjects) may not break the header."""
    if value and HEADER_UNSAFE.search(value):
        raise ValidationError("Line breaks, tabs and invisible direction marks are not allowed.")


class Newsletter(index.Indexed, models.Model):
    name = models.CharField(max_length=100, validators=[no_header_breaks])
    slug = models.SlugField(
        max_length=60, unique=True, help_text="Part of the list's id in every message's List-Id."
    )
    description = models.TextField(help_text="Shown on /newsletters/ and on sign-up forms.")
    schedule = models.CharField(
        max_length=100, help_text="When it comes, in words: “Weekdays at 7:00”, “Fridays”."
    )
    sender_name = models.CharField(max_length=100, validators=[no_header_breaks])
    sender_email = models.EmailField(
        help_text="Its domain should be the one your DKIM key signs for (docs/newsletters.md)."
    )
    reply_to = models.EmailField(blank=True)
    sections = models.ManyToManyField(
        "news.SectionPage",
        blank=True,
        related_name="+",
        help_text="Articles from these sections are offered on their sign-up form and "
        "in “also send as newsletter”.",
    )
    active = models.BooleanField(default=True, help_text="Offered to readers.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("schedule"),
        FieldPanel("sender_name"),
        FieldPanel("sender_email"),
        FieldPanel("reply_to"),
        FieldPanel("sections", widget=forms.CheckboxSelectMultiple),
        FieldPanel("active"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def confirmed_count(self):
        return Subscription.objects.receiving(self).count()


class Subscriber(models.Model):
    """One reader's address (normalised: addresses.normalise), shared by their newsletters."""

    email = models.CharField(max_length=254, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    paused = models.BooleanField(default=False)
    # Permanent failures (5xx, bounce reports) in a row; at the limit nothing more is sent.
    bounce_count = models.PositiveIntegerField(default=0)
    suppressed_at = models.DateTimeField(null=True, blank=True)
    suppressed_reason = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return self.email

    @property
    def is_bouncing(self):
        return self.suppressed_at is not None


class SubscriptionQuerySet(models.QuerySet):
    def receiving(self, newsletter):
        """Who an issue of `newsletter` goes to: confirmed, not paused, not bouncing."""
        return self.filter(
            newsletter=newsletter,
            state=Subscription.State.ACTIVE,
            subscriber__confirmed_at__isnull=False,
            subscriber__paused=False,
            subscriber__suppressed_at__isnull=True,
        )


class Subscription(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        ACTIVE = "active", "Subscribed"
        LEFT = "left", "Unsubscribed"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    # The issue whose link the reader used to leave: "unsubscribed after this issue".
    left_after = models.ForeignKey(
        "Send", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "newsletter"], name="one_subscription")
        ]
        indexes = [models.Index(fields=["newsletter", "state"])]

    def __str__(self):
        return f"{self.subscriber_id} → {self.newsletter_id} ({self.state})"


class ConsentRecord(models.Model):
    """What a reader agreed to (or withdrew), when, where, and the words they were shown."""

    class Action(models.TextChoices):
        REQUESTED = "requested", "Asked to subscribe"
        CONFIRMED = "confirmed", "Confirmed by the emailed link"
        CHANGED = "changed", "Changed preferences"
        LEFT = "left", "Unsubscribed"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="consent_records"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    source_url = models.CharField(max_length=500, blank=True)
    newsletters = models.JSONField(default=list)  # [{"id": 1, "name": "..."}]
    wording = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"


class Issue(PreviewableMixin, index.Indexed, models.Model):
    """One issue of a newsletter, composed in the admin (Snippets → Newsletter issues)."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="issues")
    subject = models.CharField(max_length=150, validators=[no_header_breaks])
    preheader = models.CharField(
        max_length=200,
        blank=True,
        help_text="The line mail apps show after the subject. Empty: the intro's start.",
    )
    intro = models.TextField(blank=True, help_text="A few sentences above the stories.")
    body = StreamField(IssueBodyBlock(), blank=True)
    source_article = models.ForeignKey(
        "news.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("newsletter"),
        FieldPanel("subject"),
        FieldPanel("preheader"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [index.SearchField("subject"), index.AutocompleteField("subject")]

    class Meta:
        ordering = ["-created_at"]
        permissions = [("send_issue", "Can send newsletter issues to subscribers")]

    def __str__(self):
        return self.subject

    # Previews: the email as it arrives, at a phone's width and a mail app's.
    @property
    def preview_modes(self):
        return [("", "Email (HTML)"), ("text", "Plain text")]

    @property
    def preview_sizes(self):
        return [
            {
                "name": "mobile",
                "icon": "mobile-alt",
                "device_width": 390,
                "label": "Preview at a phone's width (390 px)",
            },
            {
                "name": "desktop",
                "icon": "desktop",
                "device_width": 600,
                "label": "Preview at a mail app's width (600 px)",
            },
        ]

    def serve_preview(self, request, mode_name):
        from django.http import HttpResponse

        from .compose import render_preview

        html, text = render_preview(self, request)
        if mode_name == "text":
            response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        else:
            response = HttpResponse(html)
        return response


class SendQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(
            state=Send.State.SCHEDULED, scheduled_for__lte=now or timezone.now()
        ).order_by("scheduled_for", "pk")


class Send(models.Model):
    """An issue on its way to every confirmed reader of its newsletter."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        FINISHED = "finished", "Sent"
        CANCELLED = "cancelled", "Cancelled"
        HELD = "held", "Held by editorial checks"

    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="sends")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    scheduled_for = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    held_reason = models.TextField(blank=True)
    # The message as it was when queued: restarts and late retries send the same bytes.
    subject = models.CharField(max_length=150, blank=True)
    html_template = models.TextField(blank=True)
    text_template = models.TextField(blank=True)

    objects = SendQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_for", "-pk"]
        indexes = [models.Index(fields=["state", "scheduled_for"])]

    def __str__(self):
        return f"{self.issue} ({self.get_state_display().lower()})"

    def counts(self):
        """{state name: n} over its deliveries, and those who left after it."""
        found = dict(self.deliveries.values_list("state").annotate(n=models.Count("pk")).order_by())
        counts = {label: found.get(value, 0) for value, label in Delivery.State.choices}
        counts["queued"] += counts.pop("claimed")
        counts["unsubscribed"] = Subscription.objects.filter(left_after=self).count()
        return counts


class Delivery(models.Model):
    """One recipient of one send: the row the worker claims, hands over and marks."""

    class State(models.IntegerChoices):
        QUEUED = 0, "queued"
        CLAIMED = 1, "claimed"
        SENT = 2, "sent"
        FAILED = 3, "failed"
        BOUNCED = 4, "bounced"
        SKIPPED = 5, "skipped"

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)
    claim = models.BigIntegerField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Handed over, but the worker stopped before the server's answer was recorded
    # (docs/newsletters.md: "the ambiguous window").
    uncertain = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["send", "subscriber"], name="one_delivery_per_send")
        ]
        indexes = [
            # Claiming: the due rows of one send, in order.
            models.Index(fields=["send", "state", "id"]),
            # A batch's own rows; claims left by workers that never came back.
            models.Index(fields=["claim"]),
            models.Index(fields=["state", "claimed_at"]),
        ]

    def __str__(self):
        return f"Delivery {self.pk} ({self.get_state_display()})"


class BounceReport(models.Model):
    """A failure report: an SMTP refusal, a DSN from the bounce mailbox, a provider webhook."""

    class Source(models.TextChoices):
        SMTP = "smtp", "Refused while sending"
        DSN = "dsn", "Bounce message (DSN)"
        WEBHOOK = "webhook", "Provider webhook"

    received_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=10, choices=Source.choices)
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.CASCADE, related_name="bounces"
    )
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    permanent = models.BooleanField()
    status = models.CharField(max_length=20, blank=True)  # "5.1.1" or "550"
    diagnostic = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.get_source_display()}: {self.status}"
