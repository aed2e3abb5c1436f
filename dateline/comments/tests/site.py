"""The least of a news site that comments need, built far faster than the
illustrated demo site: a front page, a section and one published article."""

ARTICLE_URL = "/world/quota-talks/"


def build_news_site():
    from wagtail.models import Locale, Page, Site

    from dateline.news.models import ArticlePage, HomePage, SectionPage

    # A flushed test database (transactional browser tests) lacks the rows
    # Wagtail's migrations create; put them back when they are missing.
    Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    for placeholder in root.get_children():
        placeholder.delete()
    home = root.add_child(instance=HomePage(title="Dateline", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    section = home.add_child(instance=SectionPage(title="World", slug="world"))
    article = section.add_child(
        instance=ArticlePage(
            title="Quota talks open in Skarholm",
            slug="quota-talks",
            deck="What the fleets want.",
            body=[{"type": "paragraph", "value": "<p>The talks opened.</p>"}],
        )
    )
    for page in (home, section, article):
        page.save_revision().publish()
    article.refresh_from_db()
    return home, section, article
