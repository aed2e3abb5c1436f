from wagtail import hooks
from wagtail.models import Site

from .short_links import short_link_redirect


@hooks.register("before_serve_page")
def answer_wordpress_short_links(page, request, serve_args, serve_kwargs):
    # `/?p=123`: WordPress answered its short links on the front page.
    if "p" not in request.GET:
        return None
    site = Site.find_for_request(request)
    if site is None or page.pk != site.root_page_id:
        return None
    return short_link_redirect(request)
