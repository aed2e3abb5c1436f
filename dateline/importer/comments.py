"""WordPress comments to reader comments, threads and moderation state intact.

Pending comments arrive in the moderation queue as pending, spam as spam,
trash as trash, so moderators carry on where they left off in WordPress.
Replies keep their parent; a reply deeper than our threads go is placed
beside its parent, as a reply posted here would be.
"""

import hashlib
import ipaddress

from bs4 import BeautifulSoup
from django.utils import timezone

from dateline.comments.models import MAX_DEPTH, Comment, Status
from dateline.comments.text import clean_body, clean_name, safe_website

from .records import Kind, fingerprint

NAME_LIMIT = Comment._meta.get_field("name").max_length
EMAIL_LIMIT = Comment._meta.get_field("email").max_length
WEBSITE_LIMIT = Comment._meta.get_field("website").max_length

STATUSES = {
    "1": Status.APPROVED,
    "approve": Status.APPROVED,
    "0": Status.PENDING,
    "hold": Status.PENDING,
    "spam": Status.SPAM,
    "trash": Status.TRASH,
    "post-trashed": Status.TRASH,
}
READER_COMMENT_TYPES = {"", "comment"}
HELD_IN_WORDPRESS = "Held for moderation in WordPress before the move."
BLOCK_TAGS = ["p", "div", "blockquote", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6"]


def comment_label(item, comment):
    return f"{comment.wordpress_id} on post {item.wordpress_id}"


def comment_text(html):
    """WordPress keeps comments as HTML; ours are plain text. Paragraphs and line
    breaks stay, a link keeps its address beside its words, markup goes."""
    soup = BeautifulSoup(html.replace("\r\n", "\n"), "html.parser")
    for tag in soup.find_all(["script", "style"]):
        tag.decompose()
    for link in soup.find_all("a"):
        href, words = (link.get("href") or "").strip(), link.get_text()
        shown = words if not safe_website(href) or href == words.strip() else f"{words} ({href})"
        link.replace_with(shown)
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(BLOCK_TAGS):
        block.insert_after("\n\n")
    text = "\n\n".join(part.strip() for part in soup.get_text().split("\n\n") if part.strip())
    return clean_body(text)


def in_thread_order(comments):
    """Parents before their replies, whatever the order of the export."""
    by_id = {c.wordpress_id: c for c in comments}

    def depth(comment):
        seen, level = set(), 0
        while comment.parent_id in by_id and comment.parent_id not in seen:
            seen.add(comment.parent_id)
            comment, level = by_id[comment.parent_id], level + 1
        return level

    return sorted(comments, key=lambda c: (depth(c), int(c.wordpress_id or 0)))


def idempotency_key(source, wordpress_id):
    site = hashlib.sha256(source.encode()).hexdigest()[:16]
    return f"wordpress-{site}-{wordpress_id}"[:64]


def import_comment(pair, ctx):
    item, comment = pair
    kind, label = "comment", comment_label(item, comment)
    summary = ctx.summary
    if comment.type not in READER_COMMENT_TYPES:
        summary.record(kind, "skipped", label, f"a {comment.type}, not a reader's comment")
        return
    record = ctx.ledger.get(Kind.POST, item.wordpress_id)
    if record is None:
        summary.record(kind, "skipped", label, "its post was not imported")
        return
    name = clean_name(comment.author) or "Anonymous"
    if len(name) > NAME_LIMIT or len(comment.email) > EMAIL_LIMIT:
        summary.record(kind, "failed", label, "name or email longer than comments allow")
        return
    website = safe_website(comment.url)
    if len(website) > WEBSITE_LIMIT or (comment.url and not website):
        summary.warn(kind, label, f"website “{comment.url}” left out: not a usable address")
        website = ""
    ip = comment.ip or None
    if ip:
        try:
            ip = str(ipaddress.ip_address(ip))
        except ValueError:
            summary.warn(kind, label, f"IP address “{comment.ip}” left out: not an address")
            ip = None
    status = STATUSES.get(comment.approved)
    if status is None:
        summary.warn(kind, label, f"unknown status “{comment.approved}”: held as pending")
        status = Status.PENDING
    body = comment_text(comment.content)
    if not body:
        summary.record(kind, "skipped", label, "no text")
        return

    parent = None
    if comment.parent_id and comment.parent_id != "0":
        parent_record = ctx.ledger.get(Kind.COMMENT, comment.parent_id)
        parent = (
            Comment.objects.filter(pk=parent_record.object_id).first() if parent_record else None
        )
        if parent is None:
            summary.warn(kind, label, "its parent comment was not imported; shown at the top level")
        elif parent.depth >= MAX_DEPTH:
            parent = parent.parent
    values = {
        "article_id": record.object_id,
        "parent": parent,
        "depth": parent.depth + 1 if parent else 0,
        "name": name,
        "email": comment.email,
        "website": website,
        "body": body,
        "status": status,
        "held_reasons": HELD_IN_WORDPRESS if status == Status.PENDING else "",
        "ip_address": ip,
        "created_at": comment.date_gmt or comment.date_local or timezone.now(),
    }
    digest = fingerprint({**values, "parent": parent.pk if parent else None})
    existing_record = ctx.ledger.get(Kind.COMMENT, comment.wordpress_id)
    existing = (
        Comment.objects.filter(pk=existing_record.object_id).first() if existing_record else None
    )
    if existing is not None and existing_record.fingerprint == digest:
        summary.record(kind, "unchanged", label)
        return
    if existing is None:
        existing = Comment(idempotency_key=idempotency_key(ctx.ledger.source, comment.wordpress_id))
        outcome = "created"
    else:
        outcome = "updated"
    for field, value in values.items():
        setattr(existing, field, value)
    existing.save()
    ctx.ledger.save(Kind.COMMENT, comment.wordpress_id, existing.pk, digest)
    summary.record(kind, outcome, label)
