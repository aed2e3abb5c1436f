"""WordPress's short links (`/?p=123`) to the imported articles.

Wagtail's redirects match paths, and these links differ only in their query
string, so they are answered here, from the import records.
"""

from django.http import HttpResponsePermanentRedirect

from dateline.news.models import ArticlePage

from .models import ImportRecord

# Where WordPress answered `?p=`: the site root and its front controller.
SHORT_LINK_PATHS = {"/", "/index.php"}


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


class WordPressShortLinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in SHORT_LINK_PATHS and "p" in request.GET:
            article = article_for_short_link(request.GET["p"].strip())
            if article is not None:
                return HttpResponsePermanentRedirect(article.get_url(request=request))
        return self.get_response(request)
