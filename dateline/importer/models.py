"""What the importer remembers between runs, and what WordPress had that our pages do not."""

from django.db import models


class ImportRecord(models.Model):
    """One WordPress object and what it became here.

    Re-running an import looks each object up by its WordPress key: an
    unchanged fingerprint means nothing to do, a changed one an update in
    place, so a second run never duplicates anything.
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"
        ATTACHMENT = "attachment", "Attachment"
        POST = "post", "Post"
        COMMENT = "comment", "Comment"

    # The exporting site's address, so two WordPress sites' post 12 stay apart.
    source = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Post, attachment and comment IDs; the author's login; a term's slug
    # (posts name their categories and tags by slug).
    wordpress_id = models.CharField(max_length=200)
    guid = models.TextField(blank=True)
    object_id = models.PositiveBigIntegerField()
    # A digest of everything the import wrote, to tell "unchanged" from "updated".
    fingerprint = models.CharField(max_length=64)
    # A digest of what the import read (the post as exported, and what it refers
    # to), so a re-run recognises an unchanged post without converting it again.
    source_digest = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "wordpress_id"], name="one_record_per_wordpress_object"
            )
        ]
        indexes = [models.Index(fields=["kind", "wordpress_id"], name="import_lookup_idx")]

    def __str__(self):
        return f"{self.source} {self.kind} {self.wordpress_id} -> {self.object_id}"


class AuthorEmail(models.Model):
    """An imported author's email address: kept for the newsroom, never rendered on a page."""

    author = models.OneToOneField(
        "news.AuthorPage", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    email = models.EmailField(max_length=254)

    def __str__(self):
        return f"email of author {self.author_id}"


class ImportedArticleFlags(models.Model):
    """WordPress post settings that articles have no field for."""

    article = models.OneToOneField(
        "news.ArticlePage",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="wordpress_flags",
    )
    # "Stick this post to the front page" in WordPress.
    sticky = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "imported article flags"

    def __str__(self):
        return f"flags of article {self.article_id}"
