"""Each check on its own: the defect it exists for, and the fixed text."""

import pytest

from dateline.editorial_checks.base import Severity
from dateline.editorial_checks.runner import run_checks

from .factories import article, figure, make_photo, p, quote

TITLE = "Ferry timetable changes from Monday"
DECK = "Two sailings move earlier and one is dropped, the operator said."


def found(page, style, code):
    return [item for item in run_checks(page, style=style).items if item.code == code]


def body_article(*blocks, title=TITLE, deck=DECK):
    return article(title, deck, list(blocks))


# Figures


@pytest.mark.parametrize("alt", ["", "photo", "IMG_2041.jpg", "TK"])
def test_missing_or_placeholder_alt_text(photo, style, alt):
    page = body_article(figure(photo, alt, "The ferry leaves at dawn."))
    (item,) = found(page, style, "figure-alt-missing")
    assert item.location.path == "body.0.image.alt_text"
    assert item.severity is Severity.ERROR
    assert item.span == alt


def test_decorative_image_needs_no_alt(photo, style):
    page = body_article(figure(photo, "", "The ferry leaves at dawn.", decorative=True))
    assert found(page, style, "figure-alt-missing") == []


def test_alt_near_equal_to_caption(photo, style):
    near = figure(photo, "The Ferry Leaving Harbour At Dawn", "The ferry leaving harbour at dawn.")
    distinct = figure(photo, "A white ferry on grey water.", "The ferry leaving harbour at dawn.")
    (item,) = found(body_article(near), style, "figure-alt-repeats-caption")
    assert item.related[0][1] == "The ferry leaving harbour at dawn."
    assert found(body_article(distinct), style, "figure-alt-repeats-caption") == []


def test_missing_credit(photo, style):
    page = body_article(figure(photo, "A white ferry.", "The ferry at dawn.", credit=""))
    (item,) = found(page, style, "figure-credit-missing")
    assert item.location.path == "body.0.credit"


def test_image_too_small_for_the_layout(db, style):
    small = make_photo(width=640, height=480, title="Small")
    page = body_article(figure(small, "A white ferry.", "The ferry at dawn."))
    (item,) = found(page, style, "figure-image-too-small")
    assert "640 pixels" in item.rule
    style.min_figure_width = 600
    assert found(page, style, "figure-image-too-small") == []


def test_caption_full_stop_follows_the_house_style(photo, style):
    without = body_article(figure(photo, "A white ferry.", "The ferry at dawn"))
    (item,) = found(without, style, "figure-caption-full-stop")
    assert item.suggestion == "The ferry at dawn."
    style.caption_full_stop = style.FORBIDDEN
    assert found(without, style, "figure-caption-full-stop") == []
    with_stop = body_article(figure(photo, "A white ferry.", "The ferry at dawn."))
    (item,) = found(with_stop, style, "figure-caption-full-stop")
    assert item.suggestion == "The ferry at dawn"


# Consistency


@pytest.mark.parametrize(
    ("first", "second", "flagged"),
    [
        ("Putin's", "Putins", "Putins"),
        ("Jean-Pierre Roux", "Jean Pierre Roux", "Jean Pierre"),
        ("Zelenskyy", "Zelensky", "Zelensky"),
        ("Müller", "Muller", "Muller"),
    ],
)
def test_name_spelled_two_ways(db, style, first, second, flagged):
    page = body_article(
        p(f"{first} office confirmed the visit on Monday."),
        p(f"Reporters later asked {first} office again."),
        p(f"A statement from {second} office followed."),
    )
    spans = [item.span for item in found(page, style, "name-spelling")]
    assert spans == [flagged]


@pytest.mark.parametrize("order", ["title case first", "hyphenated first"])
def test_a_compound_word_in_title_case_is_not_a_name_spelled_two_ways(photo, style, order):
    texts = [
        "Putins Lined Up Entourage Vehicles Parked On The Tarmac",
        "Putin's Lined-up entourage vehicles parked on the tarmac.",
    ]
    if order == "hyphenated first":
        texts.reverse()
    page = body_article(figure(photo, texts[0], "The motorcade on the runway."), p(texts[1]))
    spans = [item.span for item in found(page, style, "name-spelling")]
    assert "Lined Up" not in spans and "Lined-up" not in spans
    assert spans == ["Putins"]  # the name spelled two ways is still found


def test_capitals_alone_are_not_a_second_spelling(db, style):
    page = body_article(p("Ships left SKARHOLM at dawn. Skarholm's harbour was quiet."))
    assert found(page, style, "name-spelling") == []


def test_one_fact_two_years(db, style):
    page = body_article(
        p("It was their first meeting since 2018."),
        p("The two men last met in 2019 in Helsinki."),
    )
    (item,) = found(page, style, "fact-two-values")
    assert item.span == "last met in 2019"
    assert "2018" in item.rule
    same = body_article(p("Their first meeting since 2018."), p("They last met in 2018."))
    assert found(same, style, "fact-two-values") == []


def test_one_person_two_ages(db, style):
    page = body_article(
        p("Captain Olav Brekke, 52, admitted the offence."), p("The 53-year-old Brekke left.")
    )
    (item,) = found(page, style, "fact-two-values")
    assert "how old Brekke is" in item.rule


def test_former_title_contradicted(db, style):
    page = body_article(
        p("Former Prime Minister Karin Holm spoke first."),
        p("Prime Minister Karin Holm then took questions."),
    )
    (item,) = found(page, style, "title-contradiction")
    assert item.span == "Former Prime Minister Karin Holm"
    assert item.related[0][1] == "Prime Minister Karin Holm"
    consistent = body_article(
        p("Former Prime Minister Karin Holm spoke first."),
        p("Holm, a former prime minister, then took questions."),
    )
    assert found(consistent, style, "title-contradiction") == []


@pytest.mark.parametrize(
    "quote_first", [False, True], ids=["former-then-quote", "quote-then-former"]
)
def test_as_prime_minister_i_in_a_quote_claims_the_office(db, style, quote_first):
    said = quote("As prime minister, I will not sign this treaty.", attribution="Karin Holm")
    former = p("Holm, a former prime minister, arrived late for the vote.")
    page = body_article(*([said, former] if quote_first else [former, said]))
    (item,) = found(page, style, "title-contradiction")
    assert item.span == "Holm, a former prime minister"
    assert [span for _, span in item.related] == ["As prime minister, I will"]
    assert "“As prime minister, I will”" in item.rule

    # Looking back on the office claims nothing.
    looking_back = body_article(
        former,
        quote("As prime minister, I signed the first fisheries treaty.", attribution="Holm"),
        p("“As prime minister I was never asked,” Holm said."),
    )
    assert found(looking_back, style, "title-contradiction") == []


# Style


def test_headline_and_deck_length(db, style):
    page = article("A" * 30 + " headline" + " long" * 12, "Too short.", [p("Text.")])
    (headline,) = found(page, style, "headline-length")
    assert headline.location.path == "title" and headline.start == style.headline_max_length
    (deck,) = found(page, style, "deck-length")
    assert "at least 40" in deck.rule


def test_title_case_deck(db, style):
    page = body_article(p("The ferry left."), deck="The Ferry Timetable Changes Again From Monday")
    (item,) = found(page, style, "sentence-case")
    assert item.suggestion == "The ferry timetable changes again from monday"
    names = body_article(
        p("Prime Minister Aron Halden met President Ilse Varga in Skarholm."),
        title="Prime Minister Aron Halden meets President Ilse Varga in Skarholm",
    )
    assert found(names, style, "sentence-case") == []


def test_house_style_words_are_edited_by_the_site(db, style):
    page = body_article(p("The council will utilise the hall going forward."))
    items = found(page, style, "house-style-words")
    assert [(i.span, i.suggestion) for i in items] == [("utilise", "use"), ("going forward", "")]
    style.house_style_words = "hall => venue"
    assert [i.span for i in found(page, style, "house-style-words")] == ["hall"]


def test_double_spaces(db, style):
    (item,) = found(body_article(p("The ferry  left at dawn.")), style, "double-space")
    assert item.suggestion == "The ferry left at dawn."


def test_straight_quotes_and_mixed_apostrophes(db, style):
    page = body_article(p('He said "no" and left.'), p("Halden's aide and Varga’s aide met."))
    items = found(page, style, "quote-style")
    assert len([i for i in items if "curly quotes" in i.rule]) == 2
    assert len([i for i in items if "apostrophes" in i.rule]) == 1


def test_unbalanced_quotes_and_brackets(db, style):
    page = body_article(
        p("“We will not sign, he said."),
        p("The fine (about 40,000 was paid."),
        quote("A closing ] with no opening."),
    )
    items = found(page, style, "unbalanced-quotes")
    assert [i.location.path for i in items] == ["body.0", "body.1", "body.2.text"]


# Links


@pytest.fixture
def pages(demo_site):
    from dateline.news.models import ArticlePage

    live = ArticlePage.objects.get(slug="what-is-at-stake-on-the-northern-banks")
    draft = ArticlePage.objects.get(slug="kelp-forests-are-coming-back-survey-finds")
    draft.unpublish()
    return live, draft


def link(href="", text="the report", **attributes):
    extra = "".join(f' {k}="{v}"' for k, v in attributes.items())
    href_attribute = f' href="{href}"' if href else ""
    return p(f"Read <a{href_attribute}{extra}>{text}</a>.")


def test_broken_internal_links(pages, style):
    page = body_article(
        link(linktype="page", id="999999"),
        link("/world/no-such-story/"),
        link("/world/what-is-at-stake-on-the-northern-banks/"),
        link("/tags/fisheries/"),
    )
    items = found(page, style, "link-broken")
    assert [i.location.path for i in items] == ["body.0", "body.1"]


def test_links_to_unpublished_pages(pages, style):
    live, draft = pages
    page = body_article(
        link(linktype="page", id=str(draft.pk), text="kelp"),
        link(draft.url_path.removeprefix("/home"), text="kelp again"),
        link(linktype="page", id=str(live.pk), text="banks"),
    )
    items = found(page, style, "link-unpublished")
    assert [i.span for i in items] == ["kelp", "kelp again"]


def test_http_links(db, style):
    page = body_article(link("http://example.org/report"), link("https://example.org/ok"))
    (item,) = found(page, style, "link-http")
    assert item.suggestion == "https://example.org/report"
    style.hosts_without_https = "example.org"
    assert found(page, style, "link-http") == []


# Page weight


def test_page_weight_budget(db, style):
    heavy = make_photo(width=1600, height=1200, title="Noise", noise=True)
    page = body_article(figure(heavy, "Grey static.", "Static."))
    style.page_weight_budget_kb = 10
    (item,) = found(page, style, "page-weight")
    assert "budget is 10 KB" in item.rule
    style.page_weight_budget_kb = 5000
    assert found(page, style, "page-weight") == []
