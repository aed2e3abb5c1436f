"""The news page tree: front page > sections > articles, and authors with profile pages."""

from datetime import timedelta
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    CommentPanel,
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    TitleFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from dateline.caching import fragments

from .blocks import ArticleBodyBlock, FigureBlock
from .forms import LEAD_FIGURE, ArticlePageForm, AuthorPageForm, lead_figure_value
from .hooks import SECTION_PAGE_TYPES, article_routes, publish_is_held
from .paging import KeysFirst
from .routing import RestrictionsFromRouteMixin, RoutesInOneQueryMixin
from .scheduling import newsroom_time

# Share cards everywhere want this size; one Filter, built once (its
# operations are parsed when first used).
SOCIAL_IMAGE = Filter(spec="fill-1200x630|format-jpeg")
# What an article's page shows of each of its photos: the figure template's
# {% picture %} (templates/blocks/figure.html, kept in step by a test) and the
# share card. Its page view fetches these renditions only, not the cards' and
# feeds' renditions of the same photos.
FIGURE_PICTURE = "format-{avif,webp,jpeg} width-{400,800,1200}"
ARTICLE_PAGE_RENDITIONS = (*Filter.expand_spec(FIGURE_PICTURE), SOCIAL_IMAGE.spec)

# The log action Wagtail's `publish_scheduled` passes to `publish()`: the one
# sign that nobody is waiting for the answer.
SCHEDULED_PUBLISH = "wagtail.publish.scheduled"

# A republish within this window (a typo fixed minutes after launch) is not
# shown to readers as an update.
UPDATE_GRACE = timedelta(minutes=5)


def paginate(request, queryset, per_page=None, keys=None):
    """The requested page of a listing.

    A page number that is not a number falls back to page 1; a number past
    the end is a 404, so crawlers do not index endless empty pages. `keys`, a
    queryset of the same pages in the page table alone (`article_pages()`),
    counts the listing and finds a page's keys without its join (paging.py).
    """
    if keys is not None:
        ordered = keys.order_by(*queryset.query.order_by).values_list("pk", flat=True)
        queryset = KeysFirst(ordered, queryset)
    paginator = Paginator(queryset, per_page or settings.DATELINE_PAGE_SIZE)
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = 1
    try:
        return paginator.page(number)
    except EmptyPage:
        if number == 1:
            return paginator.page(1)
        raise Http404("No such page of results") from None


# How every listing and feed orders its stories (the key breaks ties between
# stories published in the same second).
NEWEST_FIRST = ("-first_published_at", "-pk")


class ArticleQuerySet(PageQuerySet):
    def published(self):
        """What readers may see: live, and not behind a privacy restriction."""
        return self.live().public()

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)

    def for_listing(self):
        """Published articles, newest first, with what a story card shows."""
        return (
            self.published()
            .newest_first()
            .select_related("lead_image")
            .prefetch_related("lead_image__renditions")
        )


ArticleManager = PageManager.from_queryset(ArticleQuerySet)


def article_pages():
    """Published articles (and their subtypes) as bare page rows: the keys of a listing."""
    return Page.objects.type(ArticlePage).live().public()


def attach_sections(articles):
    """Set `listed_section` on each article with one query for all of them.

    A story card names its section; asking each article for its parent would
    cost one query per card.
    """
    articles = list(articles)
    parent_paths = {a.path[: -a.steplen] for a in articles}
    sections = {
        s.path: s
        for s in SectionPage.objects.filter(path__in=parent_paths).only(
            "title", "url_path", "path", "depth"
        )
    }
    for article in articles:
        article.listed_section = sections.get(article.path[: -article.steplen])
    return articles


class HomePage(RoutesInOneQueryMixin, RestrictionsFromRouteMixin, Page):
    """The front page: the lead story first, then the latest stories."""

    strapline = models.CharField(max_length=200, blank=True)

    content_panels = Page.content_panels + [FieldPanel("strapline")]
    subpage_types = ["news.SectionPage", "news.AuthorIndexPage"]

    class Meta:
        verbose_name = "front page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listing = ArticlePage.objects.descendant_of(self).for_listing()
        page = paginate(request, listing, keys=article_pages().descendant_of(self))
        stories = attach_sections(page.object_list)
        context["stories_page"] = page
        context["lead_story"] = stories[0] if stories and page.number == 1 else None
        context["stories"] = stories[1:] if context["lead_story"] else stories
        return context


class SectionPage(RestrictionsFromRouteMixin, Page):
    """A newsroom section (World, Politics, ...) holding its articles."""

    intro = models.CharField(max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["news.HomePage"]
    # Articles, and the types features add (hooks.register_section_page_type).
    subpage_types = SECTION_PAGE_TYPES

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        page = paginate(
            request,
            ArticlePage.objects.child_of(self).for_listing(),
            keys=article_pages().child_of(self),
        )
        context["stories_page"] = page
        context["stories"] = attach_sections(page.object_list)
        return context


class AuthorIndexPage(RestrictionsFromRouteMixin, Page):
    """The list of the newsroom's authors, parent of their profile pages."""

    parent_page_types = ["news.HomePage"]
    subpage_types = ["news.AuthorPage"]
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["authors"] = (
            AuthorPage.objects.child_of(self).live().public().select_related("photo")
        )
        return context


class AuthorPage(RestrictionsFromRouteMixin, Page):
    """An author's public profile: name (the page title), role, bio and their stories."""

    role = models.CharField(max_length=120, blank=True, help_text="e.g. “Senior correspondent”")
    bio = RichTextField(features=["bold", "italic", "link"], blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_page",
        verbose_name="newsroom account",
        help_text="The account this author signs in with: their new articles name them "
        "in the byline.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("role"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("user"),
    ]
    base_form_class = AuthorPageForm
    parent_page_types = ["news.AuthorIndexPage"]
    subpage_types = []
    search_fields = Page.search_fields + [index.SearchField("bio"), index.SearchField("role")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A profile previewed before its first save has no stories (nor an id to look for).
        if self.pk:
            listing = ArticlePage.objects.filter(bylines__author=self).for_listing()
            bylined = ArticleAuthor.objects.filter(author=self).values("page_id")
            page = paginate(request, listing, keys=article_pages().filter(pk__in=bylined))
        else:
            page = paginate(request, ArticlePage.objects.none())
        context["stories_page"] = page
        context["stories"] = attach_sections(page.object_list)
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticleAuthor(Orderable):
    """One name in an article's byline, in the order the editor set."""

    page = ParentalKey("news.ArticlePage", related_name="bylines", on_delete=models.CASCADE)
    author = models.ForeignKey("news.AuthorPage", on_delete=models.CASCADE, related_name="+")

    # Chosen by publication; a draft saved (or autosaved) before then may leave it empty.
    panels = [FieldPanel("author", required_on_save=False)]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "author"], name="unique_author_per_byline")
        ]


class ArticleNote(Orderable):
    """A correction or update an editor attaches to an article, shown to readers.

    Notes are part of the page, so adding one is a new published version that
    the article's public change log records.
    """

    CORRECTION = "correction"
    UPDATE = "update"
    KINDS = [(CORRECTION, "Correction"), (UPDATE, "Update")]

    page = ParentalKey("news.ArticlePage", related_name="notes", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=KINDS, default=CORRECTION)
    text = models.TextField(
        help_text="What was wrong and what is right now, or what is new. Plain text."
    )
    noted_at = models.DateTimeField(
        default=timezone.now, help_text="When the correction or update was made."
    )

    panels = [FieldPanel("kind"), FieldPanel("text"), FieldPanel("noted_at")]

    class Meta(Orderable.Meta):
        verbose_name = "correction or update"
        verbose_name_plural = "corrections and updates"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"


def figure_image_ids(body):
    """Primary keys of the photos in an article body's figures, read from the stored blocks."""
    ids = []
    for block in body.raw_data:
        if block.get("type") != "figure":
            continue
        image = (block.get("value") or {}).get("image")
        image_id = image.get("image") if isinstance(image, dict) else image
        if isinstance(image_id, int):
            ids.append(image_id)
    return ids


class ArticlePage(RestrictionsFromRouteMixin, RoutablePageMixin, Page):
    """A news article. The page title is the headline."""

    deck = models.CharField(
        max_length=300, help_text="The line under the headline: what the story adds, in a sentence."
    )
    dateline = models.CharField(
        max_length=100,
        blank=True,
        help_text="Where the story was reported, e.g. “ANCHORAGE, Alaska”.",
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown at the top of the article, on story cards and in social previews.",
    )
    # The photos of the body's figures, in order, as the page row's body has them
    # (the live version once published): written on every save of the body, so
    # that a sitemap page lists 2,000 articles' photos without parsing 2,000
    # bodies (distribution/sitemaps.py). A draft saves only its revision.
    figure_image_ids = models.JSONField(default=list, blank=True, editable=False)
    # The lead image, shown at the top of the article, is a figure like those in
    # the body, with the same rules (FigureBlock): alt text unless decorative, a
    # caption, a credit. Its image stays a plain field, which cards and share
    # previews read without opening the body.
    show_lead_image = models.BooleanField(
        "show the lead image at the top of the article",
        default=True,
        help_text="Off: the image is used only on story cards and in social previews.",
    )
    lead_image_alt = models.CharField(
        "alt text",
        max_length=500,
        blank=True,
        help_text="What the photo shows, for readers who cannot see it.",
    )
    lead_image_decorative = models.BooleanField(
        "image is decorative",
        default=False,
        help_text="Adds nothing the caption does not say; screen readers skip it.",
    )
    lead_image_caption = models.CharField(
        "caption",
        max_length=500,
        blank=True,
        help_text=FigureBlock.base_blocks["caption"].field.help_text,
    )
    lead_image_credit = models.CharField(
        "credit",
        max_length=200,
        blank=True,
        help_text=FigureBlock.base_blocks["credit"].field.help_text,
    )
    body = StreamField(ArticleBodyBlock())
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)

    objects = ArticleManager()

    content_panels = [
        TitleFieldPanel(
            "title",
            heading="Headline",
            placeholder="Headline*",
            help_text="The story's headline, as readers will see it.",
        ),
        FieldPanel("deck"),
        MultiFieldPanel(
            [InlinePanel("bylines", label="Author", min_num=1), FieldPanel("dateline")],
            heading="Byline",
        ),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("show_lead_image"),
                FieldRowPanel([FieldPanel("lead_image_alt"), FieldPanel("lead_image_decorative")]),
                FieldPanel("lead_image_caption"),
                FieldPanel("lead_image_credit"),
            ],
            heading="Lead image",
        ),
        FieldPanel("body"),
        InlinePanel(
            "notes",
            heading="Corrections and updates",
            label="Correction or update",
            help_text="Corrections show at the top of the article, updates at its end.",
        ),
        # Scheduling is this one input and the Publish button (which then reads
        # "Schedule to publish"); ArticlePageForm reads it in the newsroom's zone
        # and sets the page's go_live_at (and expire_at) from it.
        MultiFieldPanel(
            [FieldPanel("publish_at"), FieldPanel("take_down_at")],
            heading="Schedule",
            classname="article-schedule",
        ),
    ]
    # The go-live and take-down times are in the Schedule panel above, so
    # Wagtail's own schedule dialog is not offered; commenting stays.
    settings_panels = [CommentPanel()]
    base_form_class = ArticlePageForm
    # Wagtail's promote fields double as the share card: relabelled so
    # editors know where they show, and empty means "use the headline/deck".
    promote_panels = [
        MultiFieldPanel(
            [
                # Filled in from the headline (as the editor types, and by the page
                # itself when empty), so a draft saved mid-headline is no error.
                FieldPanel("slug", required_on_save=False),
                FieldPanel(
                    "seo_title",
                    heading="Social headline",
                    help_text="For share cards and search results. Empty: the headline.",
                ),
                FieldPanel(
                    "search_description",
                    heading="Social description",
                    help_text="For share cards and search results. Empty: the deck.",
                ),
            ],
            heading="Sharing and search",
        ),
        FieldPanel("tags"),
    ]
    parent_page_types = ["news.SectionPage"]
    subpage_types = []
    search_fields = Page.search_fields + [
        index.SearchField("deck"),
        index.SearchField("body"),  # paragraphs, headings, quotes and figure captions
        index.SearchField("search_author_names"),
        index.SearchField("search_tag_names"),
        index.FilterField("first_published_at"),
    ]

    # Loaded with the article when a reader's URL is routed to it (routing.py).
    route_select_related = ["lead_image"]
    # Its metadata, its body and its comments are kept as rendered fragments
    # by revision (caching/fragments.py): they show nothing else that changes
    # without a purge of the page. A page type that does says False.
    keeps_fragments = True

    class Meta:
        # What the admin calls it: "New: Article", "Type: Article".
        verbose_name = "article"

    @cached_property
    def section(self):
        # The kicker, the breadcrumbs and the share metadata all name it, and
        # read only its title and address: no query for its specific fields.
        return self.get_parent().specific_deferred

    @cached_property
    def authors(self):
        # The byline, the metadata and the share card all ask; one query serves
        # them, with what they read of each author (a name and an address).
        bylines = self.bylines.select_related("author").only(
            "page_id",
            "sort_order",
            *(f"author__{name}" for name in ("title", "slug", "url_path", "path", "depth", "live")),
        )
        return [byline.author for byline in bylines]

    @cached_property
    def lead_figure(self):
        """The lead image as a figure at the top of the article (FigureBlock), or None.

        None when the editor turned it off, or when its details do not meet a
        figure's rules (an article imported or saved before the image was shown
        at the top has no caption yet): it is then used on cards only.
        """
        if not (self.show_lead_image and self.lead_image):
            return None
        value = lead_figure_value(
            self.lead_image,
            self.lead_image_alt,
            self.lead_image_decorative,
            self.lead_image_caption,
            self.lead_image_credit,
        )
        try:
            LEAD_FIGURE.clean(value)
        except ValidationError:
            return None
        if self.__dict__.get("_page_view"):
            self.prefetch_renditions()
        return LEAD_FIGURE.bind(value)

    @property
    def status_string(self):
        """Wagtail's status, with the time when it is scheduled: what page listings show."""
        status = super().status_string
        if self.approved_schedule:
            revision = self.scheduled_revision
            if revision is not None and revision.approved_go_live_at:
                return f"{status} for {newsroom_time(revision.approved_go_live_at)}"
        return status

    @property
    def social_headline(self):
        return self.seo_title or self.title

    @property
    def social_description(self):
        return self.search_description or self.deck

    def search_author_names(self):
        return " ".join(author.title for author in self.authors)

    def search_tag_names(self):
        return " ".join(tag.name for tag in self.tags.all())

    @cached_property
    def tag_list(self):
        # The tag links and the metadata both list them; one query serves both.
        return list(self.tags.order_by("name"))

    @cached_property
    def note_list(self):
        # Corrections and updates are two views of one list: one query.
        return list(self.notes.all())

    @property
    def corrections(self):
        return [n for n in self.note_list if n.kind == ArticleNote.CORRECTION]

    @property
    def updates(self):
        return [n for n in self.note_list if n.kind == ArticleNote.UPDATE]

    @property
    def updated_at(self):
        """When readers should be told the story changed, or None."""
        first, last = self.first_published_at, self.last_published_at
        if first and last and last - first > UPDATE_GRACE:
            return last
        return None

    def canonical_url(self, request=None):
        """The one public address of this article, used by share links and metadata."""
        if settings.BASE_URL:
            return settings.BASE_URL + self.get_url(request=request)
        if request is not None:
            return request.build_absolute_uri(self.get_url(request=request))
        return self.get_full_url()

    @cached_property
    def social_image(self):
        """The lead photo cropped for share cards (1200×630 JPEG), or None.

        The share bar and the page's metadata both use it: one rendition lookup.
        Asked through `get_renditions`, which takes it from the renditions the
        page view fetched with the figures' (`get_context`) without touching
        the cache; `get_rendition` would write it back to the cache each time.
        """
        if not self.lead_image:
            return None
        fragments.depends_on(fragments.image_key(self.lead_image_id))
        if self.__dict__.get("_page_view"):
            # The article's own page: with every other rendition it shows.
            self.prefetch_renditions()
        return self.lead_image.get_renditions(SOCIAL_IMAGE)[SOCIAL_IMAGE.spec]

    def lead_image_url(self, request=None):
        if not self.lead_image:
            return ""
        url = self.social_image.url
        if url.startswith(("http://", "https://")):
            return url
        if settings.BASE_URL:
            return settings.BASE_URL + url
        return request.build_absolute_uri(url) if request is not None else url

    def share_links(self, request=None):
        """The share bar: plain links, so no network script runs on the reader's page."""
        url = self.canonical_url(request)
        links = [
            ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
            (
                "Twitter/X",
                "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": self.title}),
            ),
            (
                "LinkedIn",
                "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
            ),
        ]
        pin = {"url": url, "description": self.title}
        if self.lead_image:
            pin["media"] = self.lead_image_url(request)
        links.append(
            ("Pinterest", "https://www.pinterest.com/pin/create/button/?" + urlencode(pin))
        )
        return links

    def save(self, *args, **kwargs):
        self.figure_image_ids = figure_image_ids(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "figure_image_ids"}
        return super().save(*args, **kwargs)

    def figure_images(self):
        return [
            block.value["image"]
            for block in self.body
            if block.block_type == "figure" and block.value["image"] is not None
        ]

    def prefetch_renditions(self):
        """One query for the renditions of every figure and of the share image,
        rather than one per image; only when something is rendered that shows
        them (a stored fragment needs neither the body nor the renditions)."""
        if self.__dict__.get("_renditions_fetched"):
            return
        self._renditions_fetched = True
        images = self.figure_images()
        if self.lead_image:
            images.append(self.lead_image)
        renditions = get_image_model().get_rendition_model().objects
        prefetch_related_objects(
            images,
            # Where Wagtail looks first (its `prefetch_renditions` does the same).
            Prefetch(
                "renditions",
                queryset=renditions.filter(filter_spec__in=ARTICLE_PAGE_RENDITIONS),
                to_attr="prefetched_renditions",
            ),
        )

    @property
    def body_with_renditions(self):
        self.prefetch_renditions()
        return self.body

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Called by the template only if the share bar renders (not when its
        # fragment is stored).
        self._page_view = True
        context["share_links"] = partial(self.share_links, request)
        context["canonical_url"] = self.canonical_url(request)
        return context

    def publish(
        self,
        revision,
        user=None,
        changed=True,
        log_action=True,
        previous_revision=None,
        skip_permission_checks=False,
    ):
        """Publish or schedule `revision`, unless a publish guard stops it (hooks.py).

        Workflow approval, bulk publishing, scheduled publishing and
        `revision.publish()` all arrive here. Scheduled publishing passes
        Wagtail's "wagtail.publish.scheduled" action: nobody waits for that
        answer, so a guard may hold the version scheduled instead of raising.
        """
        if publish_is_held(self, revision, scheduled=log_action == SCHEDULED_PUBLISH):
            return None
        return super().publish(
            revision,
            user=user,
            changed=changed,
            log_action=log_action,
            previous_revision=previous_revision,
            skip_permission_checks=skip_permission_checks,
        )

    @classmethod
    def get_subpage_urls(cls):
        # Addresses under the article's own that features add (hooks.py).
        return super().get_subpage_urls() + article_routes()
