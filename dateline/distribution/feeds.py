"""RSS, Atom and JSON feeds for the whole site, a section, an author or a tag.

`ArticleFeed` owns everything the feeds share: which articles, their dates,
bylines, images and content, and conditional GET with cache headers. The
scope subclasses only say which articles and what the feed is called.

URL contract (see urls.py): /feeds/<format>/ and /feeds/<scope>/<slug>/<format>/
with format rss, atom or json.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from taggit.models import Tag

from dateline.news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticlePageTag,
    AuthorPage,
    SectionPage,
    article_pages,
)

from .articles import Freshness, absolute, prepare, site_for, site_name
from .feed_content import body_html
from .generators import FORMATS
from .policy import FeedPolicy, publication_language


@dataclass
class Scope:
    """What one feed covers; built per request."""

    request: object
    site_name: str
    title: str
    description: str
    link: str
    articles: QuerySet
    # The same articles, published, as bare page rows (news.models.article_pages):
    # the newest found and dated for the ETag without the article table's join,
    # which at 100,000 articles was most of a cold feed's time.
    pages: QuerySet
    key: str
    policy: FeedPolicy
    # The feed's items, newest first, once `pages` has been read (Freshness.of_newest).
    keys: tuple = ()


_feed_items = []


def register_feed_items(extend):
    """`extend(articles, request)` may add to a feed's items once they are prepared.

    Each article has `feed_content` (its HTML, empty for summary feeds) and
    `feed_link`; features whose pages are articles of their own kind fill it
    from their `AppConfig.ready()` (live coverage adds its latest updates),
    with one query for the whole batch.
    """
    if extend not in _feed_items:
        _feed_items.append(extend)
    return extend


class ArticleFeed(Feed):
    """The shared feed: newest published articles first, absolute URLs, real dates."""

    scope_name = "site"

    def __init__(self, format_name):
        self.format_name = format_name
        self.feed_type = FORMATS[format_name]

    # -- what a scope subclass provides ------------------------------------

    def scope(self, request, site, slug):
        raise NotImplementedError

    # -- the request ---------------------------------------------------------

    def get_object(self, request, slug=None):
        site = site_for(request)
        return self.scope(request, site, slug)

    def __call__(self, request, *args, **kwargs):
        scope = self.get_object(request, *args, **kwargs)
        freshness = Freshness.of_newest(scope.pages, scope.policy.items)
        if not freshness.count:
            # An empty feed is almost always a mistyped or retired address.
            raise Http404("No published stories in this feed")
        scope.keys = freshness.keys
        variant = (self.format_name, scope.key, scope.policy, absolute(request, "/"))
        return freshness.respond(request, variant, lambda: self.render(scope), scope.policy.max_age)

    def render(self, scope):
        feedgen = self.get_feed(scope, scope.request)
        response = HttpResponse(content_type=feedgen.content_type)
        feedgen.write(response, "utf-8")
        return response

    # -- the feed ---------------------------------------------------------------

    def title(self, scope):
        if scope.title == scope.site_name:
            return scope.site_name
        return f"{scope.title} – {scope.site_name}"

    def link(self, scope):
        return scope.link

    def description(self, scope):
        return scope.description

    def feed_url(self, scope):
        return absolute(scope.request, scope.request.path)

    def feed_guid(self, scope):
        return self.feed_url(scope)

    def feed_extra_kwargs(self, scope):
        return {"icon": absolute(scope.request, static("distribution/logo-square.png"))}

    @property
    def language(self):
        # Django's Feed reads `language` as an attribute; settings decide it per request.
        return publication_language()

    def items(self, scope):
        # Read by the keys the ETag was made of: the same stories, and no second
        # sort of the whole scope. One withdrawn in between is left out.
        found = {a.pk: a for a in scope.articles.for_listing().filter(pk__in=scope.keys)}
        articles = [found[pk] for pk in scope.keys if pk in found]
        prepare(articles, figures=scope.policy.full_content)
        for article in articles:
            article.feed_link = article.canonical_url(scope.request)
            article.feed_content = (
                body_html(article, scope.request) if scope.policy.full_content else ""
            )
            article.feed_image = self._lead_image(article, scope.request)
            article.feed_authors = [
                {
                    "name": author.title,
                    "url": absolute(scope.request, author.get_url(scope.request)),
                }
                if author.live
                else {"name": author.title}
                for author in article.byline_authors
            ]
        for extend in _feed_items:
            extend(articles, scope.request)
        return articles

    @staticmethod
    def _lead_image(article, request):
        if not article.lead_image:
            return None
        rendition = article.social_image
        try:
            length = rendition.file.size
        except OSError:  # the file is missing from storage; the feed still renders
            length = 0
        return {"url": absolute(request, rendition.url), "length": length}

    # -- each item ----------------------------------------------------------------

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.search_description or article.deck

    def item_link(self, article):
        return article.feed_link

    def item_guid(self, article):
        return article.feed_link

    def item_pubdate(self, article):
        return article.first_published_at

    def item_updateddate(self, article):
        # Atom requires <updated>; an article never updated was last changed when published.
        # A feature may date an item itself (live coverage: its latest update, even one
        # posted seconds after the page was published).
        return (
            getattr(article, "feed_updated", None)
            or article.updated_at
            or article.first_published_at
        )

    def item_author_name(self, article):
        names = [author["name"] for author in article.feed_authors]
        if len(names) > 1:
            return ", ".join(names[:-1]) + " and " + names[-1]
        return names[0] if names else None

    def item_author_link(self, article):
        return article.feed_authors[0].get("url") if article.feed_authors else None

    def item_categories(self, article):
        section = [article.listed_section.title] if article.listed_section else []
        return section + [name for name in article.tag_names if name not in section]

    def item_enclosures(self, article):
        from django.utils.feedgenerator import Enclosure

        if not article.feed_image:
            return []
        image = article.feed_image
        return [Enclosure(image["url"], str(image["length"]), "image/jpeg")]

    def item_extra_kwargs(self, article):
        return {
            "content_html": article.feed_content,
            "image": article.feed_image["url"] if article.feed_image else None,
            "authors": article.feed_authors,
        }


class SiteFeed(ArticleFeed):
    def scope(self, request, site, slug):
        name = site_name(site)
        return Scope(
            request=request,
            site_name=name,
            title=name,
            description=f"The latest stories from {name}",
            link=absolute(request, site.root_page.get_url(request)),
            articles=ArticlePage.objects.descendant_of(site.root_page),
            pages=article_pages().descendant_of(site.root_page),
            key="site",
            policy=FeedPolicy.current(),
        )


class SectionFeed(ArticleFeed):
    scope_name = "section"

    def scope(self, request, site, slug):
        section = (
            SectionPage.objects.child_of(site.root_page).live().public().filter(slug=slug).first()
        )
        if section is None:
            raise Http404("No such section")
        name = site_name(site)
        return Scope(
            request=request,
            site_name=name,
            title=section.title,
            description=section.intro or f"{section.title} stories from {name}",
            link=absolute(request, section.get_url(request)),
            articles=ArticlePage.objects.child_of(section),
            pages=article_pages().child_of(section),
            key=f"section:{section.pk}",
            policy=FeedPolicy.current(),
        )


class AuthorFeed(ArticleFeed):
    scope_name = "author"

    def scope(self, request, site, slug):
        author = (
            AuthorPage.objects.descendant_of(site.root_page)
            .live()
            .public()
            .filter(slug=slug)
            .first()
        )
        if author is None:
            raise Http404("No such author")
        name = site_name(site)
        return Scope(
            request=request,
            site_name=name,
            title=author.title,
            description=f"Stories by {author.title} for {name}",
            link=absolute(request, author.get_url(request)),
            articles=ArticlePage.objects.descendant_of(site.root_page).filter(
                bylines__author=author
            ),
            pages=article_pages()
            .descendant_of(site.root_page)
            .filter(pk__in=ArticleAuthor.objects.filter(author=author).values("page_id")),
            key=f"author:{author.pk}",
            policy=FeedPolicy.current(),
        )


class TagFeed(ArticleFeed):
    scope_name = "tag"

    def scope(self, request, site, slug):
        tag = Tag.objects.filter(slug=slug).first()
        if tag is None:
            raise Http404("No such tag")
        name = site_name(site)
        return Scope(
            request=request,
            site_name=name,
            title=f"Tagged “{tag.name}”",
            description=f"Stories tagged {tag.name} from {name}",
            link=absolute(request, reverse("tag", args=[tag.slug])),
            articles=ArticlePage.objects.descendant_of(site.root_page).filter(
                tagged_items__tag=tag
            ),
            pages=article_pages()
            .descendant_of(site.root_page)
            .filter(pk__in=ArticlePageTag.objects.filter(tag=tag).values("content_object_id")),
            key=f"tag:{tag.pk}",
            policy=FeedPolicy.current(),
        )


SCOPES = {"section": SectionFeed, "author": AuthorFeed, "tag": TagFeed}
