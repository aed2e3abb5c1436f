"""What an issue is made of: article cards, the editor's own text, headings and quotes.

Headings and quotes are the article body's own blocks, and paragraphs use the
same name, so the editorial checks read an issue as they read an article.
"""

from wagtail import blocks

from dateline.news.blocks import HeadingBlock, QuoteBlock

ISSUE_RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class ArticleCardBlock(blocks.StructBlock):
    """A card for one article: its headline, deck, lead image and link, as published."""

    article = blocks.PageChooserBlock(page_type="news.ArticlePage")
    headline = blocks.CharBlock(
        required=False, max_length=200, help_text="Empty: the article's headline."
    )
    deck = blocks.CharBlock(required=False, max_length=300, help_text="Empty: the article's deck.")

    class Meta:
        icon = "doc-full"
        label = "Article card"


class IssueBodyBlock(blocks.StreamBlock):
    article = ArticleCardBlock()
    paragraph = blocks.RichTextBlock(features=ISSUE_RICH_TEXT_FEATURES, label="Text")
    heading = HeadingBlock()
    quote = QuoteBlock()
