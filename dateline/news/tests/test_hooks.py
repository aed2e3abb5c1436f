"""The core's plug-in points: page parts in order, personal-data providers."""

import pytest

from dateline.news import hooks


@pytest.fixture
def clean_parts(monkeypatch):
    monkeypatch.setattr(hooks, "_page_parts", {})


def test_parts_at_one_place_render_lowest_order_first_whoever_registers_first(clean_parts):
    hooks.register_page_part("article_end", "comments/part.html")
    hooks.register_page_part("article_end", "signup/part.html", order=50)
    hooks.register_page_part("article_end", "later/part.html")
    hooks.register_page_part("article_end", "signup/part.html", order=50)  # once only
    assert hooks.page_parts("article_end") == (
        "signup/part.html",
        "comments/part.html",
        "later/part.html",
    )


def test_an_unknown_place_is_refused(clean_parts):
    with pytest.raises(ValueError, match="front_end"):
        hooks.register_page_part("sidebar", "x.html")


def test_newsletters_fill_the_front_page_and_stand_before_the_comments():
    assert hooks.page_parts("article_end")[:2] == (
        "newsletters/article_part.html",
        "comments/article_part.html",
    )
    assert "newsletters/front_part.html" in hooks.page_parts("front_end")
    assert any(p.key == "newsletters" for p in hooks.personal_data_providers())
