"""WordPress's short links (`/?p=123`, `/index.php?p=123`) to the imported articles.

Wagtail's redirects match paths, and these links differ only in their query
string, so they are answered from the import records: on the front page by a
`before_serve_page` hook (wagtail_hooks.py), and at /index.php, which no page
has, by the view below (urls.py).
"""

from django.http import Http404, HttpResponsePermanentRedirect

from dateline.news.models import ArticlePage

from .models import ImportRecord


def article_for_short_link(post_id):
    """The published article imported from WordPress post `post_id`, or None."""
    if not post_id.isdigit():
        return None
    records = ImportRecord.objects.filter(kind=ImportRecord.Kind.POST, wordpress_id=post_id)
    # The newest import wins if two sites' exports both had this post number.
    article_ids = records.order_by("-updated_at").values_list("object_id", flat=True)
    for article_id in article_ids[:5]:
        article = ArticlePage.objects.published().filter(pk=article_id).first()
        if article is not None:
            return article
    return None


def short_link_redirect(request):
    """The redirect a `?p=` short link asks for, or None when it names no imported article."""
    article = article_for_short_link(request.GET.get("p", "").strip())
    if article is None:
        return None
    return HttpResponsePermanentRedirect(article.get_url(request=request))


def index_php(request):
    """WordPress's front controller: its short links, else the 404 any unknown address gets."""
    response = short_link_redirect(request)
    if response is None:
        raise Http404("No imported article with this number")
    return response
