"""Live coverage: a live page, its coverage state, and its updates.

A `LivePage` is an article (headline, deck, byline, lead image, tags, and a
summary where the body goes) that sections hold beside articles. What
changes while the story runs is kept outside the page's revisions:

- `Coverage`, one row per live page: the state (upcoming, live, ended) and
  the page's *sequence*, a counter every change takes the next number of.
  A Wagtail publish writes every field of the page from a revision, so a
  counter on the page itself could be set back by an editor publishing the
  summary while a reporter posts.
- `LiveUpdate`, one row per update, so several reporters post at once
  without overwriting each other. An update keeps the sequence number of its
  last change (posted, corrected, pinned, deleted), so "every change after
  number N" is one indexed query: the poll document, a stream's catch-up and
  a reader's reconnect all ask exactly that.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.panels import FieldPanel, InlinePanel

from dateline.news.models import ArticlePage

from .text import render_text, summary_label


class LivePage(ArticlePage):
    """A running story: the article's header, a summary, then timestamped updates."""

    content_panels = [
        panel
        for panel in ArticlePage.content_panels
        if getattr(panel, "field_name", None) not in {"body"}
        and getattr(panel, "relation_name", None) != "notes"
    ] + [
        FieldPanel(
            "body",
            heading="Summary",
            help_text="What readers should know first; the key events list follows it.",
        ),
        InlinePanel(
            "notes",
            heading="Corrections",
            label="Correction",
            help_text="Corrections to the summary; an update is corrected from the live desk.",
        ),
    ]
    promote_panels = ArticlePage.promote_panels
    # Loaded with the page when a reader's URL reaches it (news/routing.py).
    route_select_related = ["lead_image", "coverage"]
    # Its updates change without a new revision, and its addresses vary by
    # query (?after=, ?update=): nothing is kept as a rendered fragment.
    keeps_fragments = False

    class Meta:
        verbose_name = "live page"

    @cached_property
    def coverage_state(self):
        """This page's Coverage row, or an unsaved one for a page nobody has posted to."""
        try:
            return self.coverage
        except Coverage.DoesNotExist:
            return Coverage(page=self)

    @property
    def updated_at(self):
        """The latest change readers were shown: every update counts, however soon."""
        first, last = self.first_published_at, self.last_published_at
        return last if first and last and last > first else None

    @property
    def is_ended(self):
        return self.coverage_state.state == Coverage.ENDED

    def get_context(self, request, *args, **kwargs):
        from .timeline import Timeline

        context = super().get_context(request, *args, **kwargs)
        # The structured data (distribution's hook) lists the same updates.
        self.live_timeline = context["timeline"] = Timeline.for_request(self, request)
        context["live_settings"] = settings.DATELINE_LIVE
        return context


class Coverage(models.Model):
    UPCOMING, LIVE, ENDED = "upcoming", "live", "ended"
    STATES = [(UPCOMING, "Upcoming"), (LIVE, "Live"), (ENDED, "Ended")]

    page = models.OneToOneField(
        LivePage, primary_key=True, on_delete=models.CASCADE, related_name="coverage"
    )
    state = models.CharField(max_length=10, choices=STATES, default=UPCOMING)
    # The number of the page's latest change; each change takes the next one.
    sequence = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_update_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "coverage"

    def __str__(self):
        return f"{self.page_id}: {self.state} at {self.sequence}"


class LiveUpdateQuerySet(models.QuerySet):
    def visible(self):
        """What readers see: updates not deleted."""
        return self.filter(deleted_at__isnull=True)

    def for_display(self):
        return self.select_related("image", "posted_by").prefetch_related(
            "authors", "image__renditions"
        )

    def changed_after(self, sequence):
        """Every update whose last change came after `sequence`, deleted ones included."""
        return self.filter(sequence__gt=sequence).order_by("sequence")


class LiveUpdate(models.Model):
    """One update: text with links, a photo, a quote, or any of them together."""

    page = models.ForeignKey(LivePage, on_delete=models.CASCADE, related_name="live_updates")
    sequence = models.PositiveBigIntegerField(
        help_text="The page's sequence number of this update's last change."
    )
    title = models.CharField(
        max_length=140, blank=True, help_text="Optional; names the update in the key events list."
    )
    text = models.TextField(
        blank=True,
        help_text="Blank lines separate paragraphs; [words](https://…) makes a link, "
        "**words** bold, _words_ italic; bare https:// addresses become links.",
    )
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    image_alt = models.CharField("alt text", max_length=300, blank=True)
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=120, blank=True)
    quote = models.TextField(blank=True)
    quote_source = models.CharField("quote from", max_length=200, blank=True)
    key_event = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    authors = models.ManyToManyField("news.AuthorPage", blank=True, related_name="+")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["page", "sequence"], name="one_change_per_sequence")
        ]
        indexes = [models.Index(fields=["page", "deleted_at", "-id"], name="live_timeline")]

    def __str__(self):
        return f"Update {self.pk} on page {self.page_id}"

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @cached_property
    def body_html(self):
        return render_text(self.text)

    @property
    def label(self):
        """How the key events list names it: its title, or its first words."""
        return self.title or summary_label(self.text or self.quote or self.caption)

    @property
    def anchor(self):
        return f"update-{self.pk}"

    def permalink(self, page_url=""):
        return f"{page_url}?update={self.pk}#{self.anchor}"

    @cached_property
    def author_list(self):
        return list(self.authors.all())

    @property
    def byline_names(self):
        names = [author.title for author in self.author_list]
        if not names and self.posted_by is not None:
            names = [self.posted_by.get_full_name() or self.posted_by.get_username()]
        return names
