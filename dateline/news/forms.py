"""The editor's forms for articles and authors (Wagtail's page form, `base_form_class`)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StructBlockValidationError

from .blocks import FigureBlock
from .scheduling import LOCAL_INPUT_FORMAT, NewsroomDateTimeField, newsroom_zone

# The lead image's fields, and where each rule of a figure lands among them.
LEAD_FIGURE_FIELDS = {
    ("image", "alt_text"): "lead_image_alt",
    ("image", "image"): "lead_image",
    ("image",): "lead_image_alt",
    ("caption",): "lead_image_caption",
    ("credit",): "lead_image_credit",
}
LEAD_FIGURE = FigureBlock()


def lead_figure_value(image, alt, decorative, caption, credit):
    """The lead image's details as a body figure's value (FigureBlock), to check or render."""
    return LEAD_FIGURE.normalize(
        {
            "image": {"image": image, "alt_text": alt, "decorative": decorative},
            "caption": caption,
            "credit": credit,
        }
    )


def _figure_errors(error, path=()):
    """(path, ValidationError) for each rule a figure value broke."""
    if isinstance(error, StructBlockValidationError):
        for name, child in error.block_errors.items():
            yield from _figure_errors(child, (*path, name))
        if error.non_block_errors:
            for child in error.non_block_errors:
                yield path, child
    else:
        yield path, error


class AuthorPageForm(WagtailAdminPageForm):
    def clean_user(self):
        user = self.cleaned_data.get("user")
        if user is not None and user.is_active is False:
            raise ValidationError("This account is deactivated.")
        return user


class ArticlePageForm(WagtailAdminPageForm):
    """What an editor fills in for an article.

    - A new article names the signed-in reporter in its byline (the author page
      linked to their account), so they need not look themselves up.
    - "Publish at" is one input, to the minute, in the newsroom's time zone.
    - The lead image follows the rules of a figure in the body (FigureBlock):
      alt text unless it is decorative, and a caption, when it is shown.
    - A draft may be incomplete: a byline row left empty is no error until
      the article is published or submitted (Wagtail defers required fields
      for drafts, and autosave saves drafts as the editor types).
    """

    # The page's go-live and take-down times, under names of their own: Wagtail
    # offers its schedule dialog to any page form with a "go_live_at" field,
    # and the article has this one input instead.
    publish_at = NewsroomDateTimeField(label="Publish at", required=False)
    take_down_at = NewsroomDateTimeField(label="Take down at", required=False)

    def __init__(self, data=None, *args, instance=None, for_user=None, **kwargs):
        new = instance is not None and instance.pk is None
        if new and data is None:
            author = getattr(for_user, "author_page", None) if for_user else None
            if author is not None and not list(instance.bylines.all()):
                from .models import ArticleAuthor

                instance.bylines = [ArticleAuthor(author=author)]
        elif new and data is not None:
            # The form showed the default byline as a row the article already has;
            # a page not yet saved has none, so every row it sends is a new one.
            data = data.copy()
            for key in [k for k in data if k.endswith("-INITIAL_FORMS")]:
                data[key] = "0"
        super().__init__(data, *args, instance=instance, for_user=for_user, **kwargs)
        if instance is not None:
            self.fields["publish_at"].initial = instance.go_live_at
            self.fields["take_down_at"].initial = instance.expire_at
        # For the editor's script: times after this are still to come (newsroom time).
        now = timezone.localtime(timezone.now(), newsroom_zone()).strftime(LOCAL_INPUT_FORMAT)
        self.fields["publish_at"].widget.attrs["data-newsroom-now"] = now
        zone = f"Newsroom time ({settings.TIME_ZONE})"
        self.fields[
            "publish_at"
        ].help_text = f"{zone}, to the minute. Empty: the article goes live when you press Publish."
        self.fields["take_down_at"].help_text = f"{zone}. Empty: it stays up."

    def save(self, commit=True):
        # A draft may keep a byline row whose author is not chosen yet (the row
        # Wagtail shows a new article): it is left out rather than stored empty.
        bylines = self.formsets.get("bylines")
        if bylines is not None:
            for form in bylines.forms:
                cleaned = getattr(form, "cleaned_data", None)
                if cleaned is not None and cleaned.get("author") is None:
                    cleaned["DELETE"] = True
        return super().save(commit=commit)

    def clean(self):
        cleaned = super().clean()
        self.clean_schedule(cleaned)
        self.clean_lead_figure(cleaned)
        return cleaned

    def clean_schedule(self, cleaned):
        """The times typed become the page's own (what Wagtail publishes by)."""
        publish_at, take_down_at = cleaned.get("publish_at"), cleaned.get("take_down_at")
        if publish_at and take_down_at and publish_at >= take_down_at:
            self.add_error("take_down_at", "Take it down after it goes live.")
        if take_down_at and take_down_at < timezone.now():
            self.add_error("take_down_at", "That time has passed.")
        if "publish_at" in cleaned:
            self.instance.go_live_at = publish_at
        if "take_down_at" in cleaned:
            self.instance.expire_at = take_down_at

    def clean_lead_figure(self, cleaned):
        image = cleaned.get("lead_image")
        if image is None or not cleaned.get("show_lead_image"):
            return
        value = lead_figure_value(
            image,
            cleaned.get("lead_image_alt", ""),
            cleaned.get("lead_image_decorative", False),
            cleaned.get("lead_image_caption", ""),
            cleaned.get("lead_image_credit", ""),
        )
        try:
            if self.is_deferred_validation:
                LEAD_FIGURE.clean_deferred(value)
            else:
                LEAD_FIGURE.clean(value)
        except ValidationError as error:
            for path, problem in _figure_errors(error):
                field = LEAD_FIGURE_FIELDS.get(path, "lead_image")
                if field in self.fields:
                    self.add_error(field, problem)
                else:
                    self.add_error(None, problem)
