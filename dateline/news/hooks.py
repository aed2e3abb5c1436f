"""Where features plug into the core: filled from their `AppConfig.ready()`.

The news app is the core every feature builds on, so it never imports one.
Instead it offers places to plug in, each a plain registry:

- **Publish guards** (`register_publish_guard`): asked before any version of
  an article goes live, on every road (the editor's button, workflow
  approval, bulk and scheduled publishing). A guard raises to refuse where a
  person waits for the answer, or returns True to leave a scheduled version
  scheduled for now (nobody waits for the worker). The editorial checks are
  one.
- **Article routes** (`register_article_route`): addresses under an article's
  own (`<article>/changes/`), as Django `path()`s whose view takes the
  article, then the request. Wagtail has already refused drafts and private
  articles when they run.
- **Page parts** (`register_page_part`): templates the core's pages include
  at named places, rendered with the page's context. The places:
  `head` (every reader page's <head>), `article_head`, `article_after_notes`
  (below the updates at the article's end), `article_end` (after the
  article: sign-up forms, comments) and `front_end` (the front page, after
  the latest stories). Parts at one place render in `order` (lowest first;
  100 unless a feature says otherwise), then in the order they registered.
  A part that needs the page to exist (a form posting to the article's id)
  says `needs_saved_page=True`, and is left out of the preview of a page
  never saved.
- **Personal data** (`register_personal_data`): each feature that keeps
  data about a reader by their email address says how to count, export and
  erase it, so the one "get or erase your data" page covers all of them.
- **Section page types** (`register_section_page_type`): page types a
  section may hold besides articles (live coverage), by model label.
  `SectionPage.subpage_types` is this registry's list itself, so Wagtail
  reads it when it first asks, after every app's `ready()` has run, and a
  feature that is not installed leaves nothing behind in the core.
"""

from django.utils.safestring import mark_safe

_publish_guards = []
_article_routes = []
_page_parts = {}
_needs_saved_page = set()

_personal_data = []

PAGE_PART_PLACES = ("head", "article_head", "article_after_notes", "article_end", "front_end")
DEFAULT_PART_ORDER = 100

# The page types a section holds: articles, and whatever features add.
SECTION_PAGE_TYPES = ["news.ArticlePage"]


def register_publish_guard(guard):
    """`guard(page, revision, *, scheduled)`: raise to refuse, True to hold a scheduled version."""
    if guard not in _publish_guards:
        _publish_guards.append(guard)
    return guard


def publish_is_held(page, revision, *, scheduled):
    """Whether a guard holds this version back (scheduled publishing); guards may raise."""
    return any(guard(page, revision, scheduled=scheduled) for guard in list(_publish_guards))


def register_article_route(route):
    """A `django.urls.path()` under an article's address; its view takes (article, request, ...)."""
    if all(existing.name != route.name for existing in _article_routes):
        _article_routes.append(route)
    return route


def article_routes():
    return tuple(_article_routes)


def register_page_part(place, template_name, order=DEFAULT_PART_ORDER, *, needs_saved_page=False):
    """Render `template_name` at `place`; lower `order` comes first (a sign-up form at
    50 stands before the comments at 100, whichever app is ready first)."""
    if place not in PAGE_PART_PLACES:
        raise ValueError(f"Unknown page place {place!r}; the places are {PAGE_PART_PLACES}")
    parts = _page_parts.setdefault(place, [])
    if all(name != template_name for _order, name in parts):
        parts.append((order, template_name))
        parts.sort(key=lambda part: part[0])  # stable: equal orders keep registration order
    if needs_saved_page:
        _needs_saved_page.add(template_name)
    return template_name


def page_parts(place):
    return tuple(name for _order, name in _page_parts.get(place, ()))


def render_page_parts(context, place):
    """The parts registered for `place`, rendered as `{% include %}` would render them.

    The preview of a page never saved (Wagtail's preview of the "add" form) has
    no id yet: parts that need one are left out.
    """
    engine = context.template.engine
    page = context.get("page")
    unsaved = page is not None and page.pk is None
    names = [n for n in page_parts(place) if not (unsaved and n in _needs_saved_page)]
    return mark_safe(  # noqa: S308 - our own templates, autoescaped as they render
        "".join(engine.get_template(name).render(context) for name in names)
    )


def register_personal_data(provider):
    """`provider` has `label` (what it keeps, for the reader: "Newsletter subscriptions"),
    `count(email)`, `export(email)` (JSON-ready) and `erase(email)` (how many records)."""
    if provider not in _personal_data:
        _personal_data.append(provider)
    return provider


def personal_data_providers():
    return tuple(_personal_data)


def register_section_page_type(model_label):
    """Let sections hold pages of this type ("app_label.ModelName")."""
    if model_label not in SECTION_PAGE_TYPES:
        SECTION_PAGE_TYPES.append(model_label)
    return model_label
