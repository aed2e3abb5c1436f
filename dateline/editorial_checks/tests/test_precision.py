"""Precision: clean articles yield no findings; the reference yields only real ones.

The false-positive rate is the share of clean articles with at least one
finding. It is printed (run with -s) and must stay at zero.
"""

import pytest

from dateline.editorial_checks.runner import run_checks
from dateline.news.models import ArticlePage

from .clean import clean_articles
from .reference import EXPECTED, reference_article

SUMMIT_URL = "/world/president-heads-north-for-skarholm-summit/"


def describe(report):
    return [f"{i.code} at {i.location.path}: {i.span!r} ({i.rule})" for i in report.items]


def test_clean_articles_yield_no_findings(demo_site, photo, style):
    articles = clean_articles(photo, SUMMIT_URL)
    # The demo site's own articles are clean copy too.
    articles += [(page.slug, page) for page in ArticlePage.objects.all()]
    assert len(articles) >= 14

    noisy = {name: describe(run_checks(page, style=style)) for name, page in articles}
    noisy = {name: findings for name, findings in noisy.items() if findings}
    rate = len(noisy) / len(articles)
    print(f"\nfalse-positive rate: {len(noisy)}/{len(articles)} clean articles = {rate:.0%}")
    assert noisy == {}


def test_reference_findings_are_all_real_defects(photo, style):
    """The reference page yields its listed defects and nothing else: "Lined Up"
    in the Title Case alt text beside "Lined-up" in the caption is one word
    capitalised two ways, not a name spelled two ways."""
    report = run_checks(reference_article(photo), style=style)
    listed = {code for code, _ in EXPECTED}
    extra = [i for i in report.items if i.code not in listed]
    assert [(i.code, i.span) for i in report.items if i.code == "name-spelling"] == [
        ("name-spelling", "Putins"),
    ]
    assert extra == []


@pytest.mark.parametrize("code", [code for code, _ in EXPECTED])
def test_each_reference_defect_names_where_it_is(photo, style, code):
    report = run_checks(reference_article(photo), style=style)
    (item, *_) = [i for i in report.items if i.code == code]
    assert item.location.input_id.startswith(("id_", "body-"))
    assert item.rule.endswith((".", ")."))
