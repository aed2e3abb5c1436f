"""Reader search: published articles only, ranked by Wagtail's search backend.

The database backend Dateline configures uses PostgreSQL full-text search on
PostgreSQL and SQLite's FTS on SQLite; both rank by relevance. The index covers
headline, deck, body (figure captions included), authors and tags.
"""

import re

from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.views.decorators.cache import never_cache
from wagtail.models import Site

from .models import ArticlePage, attach_sections, paginate
from .texts import article_texts

MAX_QUERY_LENGTH = 200
SNIPPET_WORDS = 30
WORD = re.compile(r"\w+")


def query_terms(query):
    return [term.casefold() for term in WORD.findall(query) if len(term) > 1]


def highlight(text, terms):
    """Escaped text with each word starting with a search term in <mark>."""
    if not terms:
        return format_html("{}", text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(format_html("{}", text[last : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group(0)))
        last = match.end()
    pieces.append(format_html("{}", text[last:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def snippet(article, terms):
    """About thirty words around the first place the article mentions a search term.

    Captions and body count, so a reader sees why a photo caption matched.
    """
    texts = article_texts(article)
    passages = [texts["Deck"], texts["Body"], texts["Captions"]]
    words = " ".join(" ".join(passages).split()).split(" ")
    folded = [w.casefold() for w in words]
    start = 0
    for index, word in enumerate(folded):
        bare = WORD.search(word)
        if bare and any(bare.group(0).startswith(term) for term in terms):
            start = max(0, index - SNIPPET_WORDS // 3)
            break
    window = words[start : start + SNIPPET_WORDS]
    text = " ".join(window)
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return format_html("{}{}{}", prefix, highlight(text, terms), suffix)


def searchable_articles(request):
    articles = ArticlePage.objects.published()
    site = Site.find_for_request(request)
    if site is not None:
        articles = articles.descendant_of(site.root_page, inclusive=True)
    return articles


# Results change whenever anything is published or taken down, and a query is
# too varied to purge: never stored in shared caches.
@never_cache
def search(request):
    query = " ".join(request.GET.get("q", "").split())
    context = {"query": query, "results": [], "results_page": None, "error": None}
    status = 200
    if len(query) > MAX_QUERY_LENGTH:
        context["error"] = f"Please search for at most {MAX_QUERY_LENGTH} characters."
        status = 400
    elif query:
        results = searchable_articles(request).search(query)
        page = paginate(request, results)
        terms = query_terms(query)
        articles = attach_sections(page.object_list)
        context["results_page"] = page
        context["results"] = [(article, snippet(article, terms)) for article in articles]
        context["result_count"] = page.paginator.count
    return TemplateResponse(request, "news/search.html", context, status=status)
