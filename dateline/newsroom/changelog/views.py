"""The article's public change log and the diff between two published versions.

Served under the article's own address (the routes in urls.py, registered as
article routes), so Wagtail has already refused drafts, unpublished and
private articles. Each view takes the article first, as a page's own route does.
"""

from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse

from .diff import compare_texts
from .versions import published_versions


def change_log(article, request):
    versions = published_versions(article)
    return TemplateResponse(
        request,
        "newsroom/change_log.html",
        {
            "page": article,
            "versions": list(reversed(versions)),
            "version_count": len(versions),
            "compare_error": None,
        },
    )


def _version_number(raw, count):
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= count else None


def compare_form(article, request):
    """The no-script compare form: validate, then go to the diff's own address."""
    versions = published_versions(article)
    old = _version_number(request.GET.get("from"), len(versions))
    new = _version_number(request.GET.get("to"), len(versions))
    if old is None or new is None:
        response = change_log(article, request)
        response.context_data["compare_error"] = (
            f"Choose two versions between 1 and {len(versions)} to compare."
        )
        response.status_code = 400
        return response
    base = article.get_url(request=request)
    return HttpResponseRedirect(f"{base}changes/{old}/{new}/")


def change_diff(article, request, old, new):
    versions = published_versions(article)
    by_number = {version.number: version for version in versions}
    if old not in by_number or new not in by_number:
        raise Http404("No such published version")
    if old > new:
        old, new = new, old
    older, newer = by_number[old], by_number[new]
    return TemplateResponse(
        request,
        "newsroom/change_diff.html",
        {
            "page": article,
            "older": older,
            "newer": newer,
            "diffs": compare_texts(older.texts, newer.texts),
            "version_count": len(versions),
        },
    )
