"""The editorial checks, run on each update before it goes out.

The checks read an ArticleText; an update becomes one (its title as a
heading, its text's paragraphs and links, its quote, its photo with alt
text, caption and credit), and the site's policy decides which findings
block it, exactly as for an article's publication. Findings point at the
posting screen's own fields.
"""

from dateline.editorial_checks.article import ArticleText, Figure
from dateline.editorial_checks.base import Location
from dateline.editorial_checks.runner import report_for, settings_for

from .text import render_text


def _where(name, label):
    return Location(path=name, label=label, key=f"live.{name}", input_id=f"id_{name}")


def update_text(page, style, fields):
    article = ArticleText(page=page, style=style)
    article.add_text(_where("title", "Title"), "heading", fields.get("title", ""))
    article.add_rich_text(_where("text", "Text"), str(render_text(fields.get("text", ""))))
    article.add_text(_where("quote", "Quote"), "quote", fields.get("quote", ""))
    article.add_text(
        _where("quote_source", "Quote from"), "attribution", fields.get("quote_source", "")
    )
    image = fields.get("image")
    if image is not None:
        article.add_figure(
            Figure(
                location=_where("image", "Photo"),
                image=image,
                alt=fields.get("image_alt", ""),
                decorative=False,
                caption=fields.get("caption", ""),
                credit=fields.get("credit", ""),
                caption_location=_where("caption", "Caption"),
                alt_location=_where("image_alt", "Alt text"),
                credit_location=_where("credit", "Credit"),
            )
        )
    return article


def check_update(page, fields):
    """The checks' Report for an update about to go out (`fields` as the form cleaned them)."""
    style = settings_for(page)
    return report_for(update_text(page, style, fields), style)


def findings_json(report):
    return [
        {
            "code": item.code,
            "field": item.location.path,
            "label": item.location.label,
            "input": item.location.input_id,
            "rule": item.rule,
            "suggestion": item.suggestion,
            "span": item.span,
            "blocking": item.blocking,
        }
        for item in report.open
    ]
