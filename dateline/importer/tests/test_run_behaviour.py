"""Dry runs, failures that do not stop the rest, and conversions a reader would notice."""

import io

import pytest
from django.core.management import call_command
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page

from dateline.importer.content import Converter, ImageRef
from dateline.importer.models import ImportRecord
from dateline.news.blocks import ArticleBodyBlock
from dateline.news.models import ArticlePage

from .conftest import SITE_EXPORT, run_import

pytestmark = pytest.mark.django_db


def test_dry_run_prints_the_plan_and_saves_nothing(uploads, settings):
    pages, images = Page.objects.count(), get_image_model().objects.count()
    media_before = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    run = run_import(SITE_EXPORT, "--uploads", str(uploads), "--dry-run")
    assert run.status == 0, run.output
    assert "Dry run: nothing was saved." in run.output
    assert "create article “Storm closes the north mole” (published) in Harbour" in run.output
    assert "create article “Budget draft: new breakwater” (draft) in Town Council" in run.output
    assert "create image 2025/08/storm-quay.jpg" in run.output
    assert run.summary_line("post")["created"] == 7
    assert Page.objects.count() == pages
    assert get_image_model().objects.count() == images
    assert not ImportRecord.objects.exists() and not Redirect.objects.exists()
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == media_before


def test_progress_bar_counts_each_pass(tmp_path):
    run = run_import(SITE_EXPORT, "--progress", "always")
    assert run.status == 0
    assert "Checking: 100%" in run.output
    assert "Posts: 100%" in run.output and "9 posts, 5 comments" in run.output


def test_one_bad_post_is_listed_and_the_rest_imported(uploads, tmp_path):
    long_title = "Breakwater " * 30  # 330 characters: more than a headline may hold
    export = tmp_path / "export.xml"
    export.write_text(
        SITE_EXPORT.read_text().replace("Tall ships arrive next summer", long_title.strip())
    )
    run = run_import(export, "--uploads", str(uploads))
    assert run.status == 1
    assert run.summary_line("post") == {
        "created": 6, "updated": 0, "unchanged": 0, "skipped": 2, "failed": 1,
    }  # fmt: skip
    assert "post 205 “Breakwater Breakwater" in run.output
    assert "title over 255 characters" in run.output
    assert "1 object(s) failed to import" in run.output
    assert not ImportRecord.objects.filter(kind="post", wordpress_id="205").exists()
    assert ArticlePage.objects.filter(title="Storm closes the north mole").exists()


def test_without_uploads_posts_import_and_photos_are_reported(tmp_path):
    run = run_import(SITE_EXPORT)
    assert run.status == 0
    assert run.summary_line("attachment")["skipped"] == 5
    assert "no uploads folder given (--uploads)" in run.output
    story = ArticlePage.objects.get(title="Storm closes the north mole")
    assert story.lead_image is None
    assert [b.block_type for b in story.body][:2] == ["paragraph", "paragraph"]
    assert "featured image not in the image library" in run.output


def test_published_posts_stay_published_whatever_the_editorial_checks_find(uploads, tmp_path):
    # The storm photo's alt text made the same as its caption: a finding
    # that stops the newsroom's own articles from going live.
    export = tmp_path / "export.xml"
    export.write_text(
        SITE_EXPORT.read_text().replace(
            'storm-quay-1024x683.jpg" alt=""',
            'storm-quay-1024x683.jpg" alt="Spray over the mole at 6am"',
        )
    )
    run = run_import(export, "--uploads", str(uploads))
    assert run.status == 0, run.output
    story = ArticlePage.objects.get(title="Storm closes the north mole")
    assert story.live and story.live_revision == story.latest_revision
    out = io.StringIO()
    call_command("check_articles", story.slug, "--published", stdout=out)
    assert "[error, blocks publishing] figure-alt-repeats-caption" in out.getvalue()


@pytest.fixture
def photo(summit_article):
    image = summit_article.lead_image
    return ImageRef(pk=image.pk, title="Summit", alt="", caption="")


def convert(content, photo=None):
    def resolve(attachment_id, src):
        return photo if photo and attachment_id == "7" else None

    return Converter(resolve).convert(content)


def test_converted_body_is_valid_for_the_editor(photo):
    content = """<!-- wp:image {"id":7} -->
<figure class="wp-block-image"><img src="a.jpg" alt="Leaders shake hands" class="wp-image-7"/>
<figcaption>The summit opens. (Photo: Agency)</figcaption></figure>
<!-- /wp:image -->
<p>A <u>plain</u> <span style="x">paragraph</span> with <code>code</code>.</p>"""
    result = convert(content, photo)
    body = ArticleBodyBlock()
    body.clean(body.to_python(result.blocks))  # what the editor's Publish button checks
    figure = result.blocks[0]["value"]
    assert figure["caption"] == "The summit opens." and figure["credit"] == "Agency"
    assert result.blocks[1]["value"] == "<p>A plain paragraph with code.</p>"


def test_long_caption_is_kept_whole_after_the_figure(photo):
    caption = "A very long caption. " * 40
    result = convert(f'[caption id="attachment_7"]<img src="a.jpg">{caption}[/caption]', photo)
    figure, overflow = result.blocks
    assert figure["type"] == "figure" and len(figure["value"]["caption"]) <= 500
    # No alt text anywhere: the figure is marked decorative, the caption speaks for it.
    assert figure["value"]["image"]["decorative"] is True
    assert overflow == {"type": "paragraph", "value": f"<p>{caption.strip()}</p>"}


def test_galleries_keep_every_photo(photo):
    block_gallery = """<!-- wp:gallery -->
<figure class="wp-block-gallery"><!-- wp:image {"id":7} -->
<figure class="wp-block-image"><img src="a.jpg" alt="One" class="wp-image-7"/></figure>
<!-- /wp:image --><!-- wp:image {"id":7} -->
<figure class="wp-block-image"><img src="b.jpg" alt="Two" class="wp-image-7"/>
<figcaption>Second</figcaption></figure><!-- /wp:image --></figure><!-- /wp:gallery -->"""
    result = convert(block_gallery, photo)
    figures = [b["value"] for b in result.blocks]
    assert [(f["image"]["alt_text"], f["caption"]) for f in figures] == [
        ("One", "One"),
        ("Two", "Second"),
    ]
    classic = convert('Before\n\n[gallery ids="7,7,x"]\n\nAfter', photo)
    assert [b["type"] for b in classic.blocks] == ["paragraph", "figure", "figure", "paragraph"]
    assert classic.blocks[1]["value"]["caption"] == "Summit"


def test_blockquote_without_source_stays_in_the_text_with_its_links():
    result = convert('<blockquote><p>See <a href="https://example.org/">this</a>.</p></blockquote>')
    assert result.blocks == [
        {
            "type": "paragraph",
            "value": '<blockquote><p>See <a href="https://example.org/">this</a>.</p></blockquote>',
        }
    ]


def test_headings_too_long_for_a_subheading_keep_every_word():
    heading = "Word " * 60
    result = convert(f"<h2>{heading}</h2><h4>Minor</h4>")
    assert result.blocks[0] == {"type": "paragraph", "value": f"<p><b>{heading.strip()}</b></p>"}
    assert result.blocks[1] == {"type": "heading", "value": {"text": "Minor", "level": "h3"}}


def test_titles_and_excerpts_read_as_wordpress_showed_them():
    from dateline.importer.content import text_of_html

    assert text_of_html("Q&amp;A: <em>why</em>  the 3 &lt; 5 rule") == "Q&A: why the 3 < 5 rule"
    assert text_of_html("Plain  title") == "Plain title"
