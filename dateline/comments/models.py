"""What a reader submitted, and what moderators decided about it."""

from django.db import models
from django.utils import timezone

# Replies nest at most this deep (a top-level comment is depth 0). A reply to a
# comment already at the deepest level is placed beside it, under the same parent.
MAX_DEPTH = 3
# How the spam-score rule's held reason begins (moderation.SpamScore).
SPAM_SCORE_REASON = "Spam score"


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    SPAM = "spam", "Spam"
    TRASH = "trash", "Trash"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Status.APPROVED)

    def for_article(self, article):
        return self.filter(article_id=article.pk)

    def by_email(self, email):
        return self.filter(email__iexact=email.strip())


class Comment(models.Model):
    article = models.ForeignKey(
        "news.ArticlePage", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)

    name = models.CharField(max_length=80)
    email = models.EmailField(max_length=254, help_text="Never shown to readers.")
    website = models.URLField(max_length=200, blank=True)
    body = models.TextField()

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Why it was held, one reason per line, in words a moderator understands.
    held_reasons = models.TextField(blank=True)
    spam_score = models.FloatField(null=True, blank=True)
    spam_reason = models.CharField(max_length=300, blank=True)
    email_verified = models.BooleanField(default=False)

    # One form submission makes at most one comment, however often it arrives.
    idempotency_key = models.CharField(max_length=64, unique=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    # Whether moderators were mailed about it (at once, or in a digest).
    moderators_notified = models.BooleanField(default=False)
    # Set when the reader erased their data but replies still hang off this comment.
    erased = models.BooleanField(default=False)

    objects = CommentQuerySet.as_manager()

    # Comments link to nothing editors manage; indexing each one would cost a task per post.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="comment_queue_idx"),
            models.Index(fields=["article", "status", "created_at"], name="comment_thread_idx"),
            models.Index(fields=["email"], name="comment_email_idx"),
        ]

    def __str__(self):
        excerpt = " ".join(self.body.split())[:60]
        return f"{self.name}: {excerpt}"

    @property
    def held_reason_list(self):
        return [line for line in self.held_reasons.splitlines() if line]

    @property
    def held_reason_text(self):
        return "; ".join(self.held_reason_list)

    def anchor(self):
        return f"comment-{self.pk}"

    @property
    def held_as_spam(self):
        """Marked spam, or held for its spam score: where "Not spam" means something."""
        return self.status == Status.SPAM or any(
            reason.startswith(SPAM_SCORE_REASON) for reason in self.held_reason_list
        )


class TrustedCommenter(models.Model):
    """An address that proved it is the reader's (by a link sent to it) and had a
    comment approved. Later comments from it skip first-time moderation, but only
    from a browser holding the signed cookie the verification link set."""

    email = models.EmailField(max_length=254, unique=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    first_approved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.email

    @property
    def is_trusted(self):
        return self.verified_at is not None and self.first_approved_at is not None


class CommentPolicyOverride(models.Model):
    """Moderation settings for one part of the site: the front page (the whole
    site), a section, or a single article. Empty fields inherit from above."""

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="comment_policy"
    )
    comments_open = models.BooleanField(
        null=True, blank=True, help_text="Leave empty to inherit; No closes comments here."
    )
    premoderate_all = models.BooleanField(
        null=True, blank=True, help_text="Hold every comment for a moderator."
    )
    verify_first_time = models.BooleanField(
        null=True,
        blank=True,
        help_text="Hold first-time commenters and email them a confirmation link.",
    )
    hold_link_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Hold comments with this many links or more."
    )
    close_after_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Close comments this many days after publication."
    )
    disallowed_words = models.TextField(
        blank=True,
        help_text=(
            "One word or phrase per line; matched in every field. Replaces the site's "
            "list (by default the shipped spam words); leave empty to inherit it."
        ),
    )
    disallowed_action = models.CharField(
        max_length=10,
        blank=True,
        choices=[("hold", "Hold for moderation"), ("reject", "Reject")],
        help_text="What to do with a comment containing a disallowed word.",
    )

    class Meta:
        verbose_name = "comment policy"
        verbose_name_plural = "comment policies"

    def __str__(self):
        return f"Comment policy for {self.page.title}"


class AuthorNotificationOptIn(models.Model):
    """A newsroom user who wants mail about new comments on one author's articles."""

    author = models.ForeignKey("news.AuthorPage", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author", "user"], name="unique_author_opt_in")
        ]

    def __str__(self):
        return f"{self.user} follows comments on {self.author}"


class SpamToken(models.Model):
    """How often a word appeared in comments moderators approved vs marked as spam."""

    token = models.CharField(max_length=64, unique=True)
    spam_count = models.PositiveIntegerField(default=0)
    ham_count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.token}: spam {self.spam_count}, ham {self.ham_count}"


class SpamTrainingState(models.Model):
    """Totals for the spam classifier, one row: documents trained per label."""

    spam_documents = models.PositiveIntegerField(default=0)
    ham_documents = models.PositiveIntegerField(default=0)
    # Which version of the seed comments (spam.SEED_VERSION) has been learnt.
    seed_version = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"Spam filter: {self.spam_documents} spam, {self.ham_documents} ham"
