"""Per-site editorial policy: which checks stop publishing, and the house style."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .base import registry

DEFAULT_HOUSE_STYLE = "\n".join(
    [
        "utilise => use",
        "utilize => use",
        "in order to => to",
        "very unique => unique",
        "impactful",
        "going forward",
    ]
)


def default_blocking_checks():
    return sorted(check.code for check in registry if check.blocking_by_default)


class ChecksSettingsForm(WagtailAdminModelForm):
    """Check lists as tick boxes; the codes are stored as a JSON list."""

    blocking_checks = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A finding of a ticked check stops publishing until it is fixed or dismissed.",
    )
    disabled_checks = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ticked checks do not run on this site's articles.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("blocking_checks", "disabled_checks"):
            self.fields[name].choices = registry.choices()


@register_setting(icon="glasses")
class EditorialChecksSettings(BaseSiteSetting):
    CURLY, STRAIGHT = "curly", "straight"
    REQUIRED, FORBIDDEN = "required", "forbidden"

    blocking_checks = models.JSONField(default=default_blocking_checks, blank=True)
    disabled_checks = models.JSONField(default=list, blank=True)
    house_style_words = models.TextField(
        blank=True,
        default=DEFAULT_HOUSE_STYLE,
        help_text="One word or phrase a line. “utilise => use” suggests a replacement; "
        "a word alone is banned.",
    )
    quote_style = models.CharField(
        max_length=10,
        choices=[(CURLY, "Curly quotes (“ ”)"), (STRAIGHT, 'Straight quotes (")')],
        default=CURLY,
    )
    caption_full_stop = models.CharField(
        max_length=10,
        choices=[
            (REQUIRED, "Captions end with a full stop"),
            (FORBIDDEN, "Captions have no final full stop"),
        ],
        default=REQUIRED,
    )
    headline_min_length = models.PositiveIntegerField(default=20)
    headline_max_length = models.PositiveIntegerField(default=80)
    deck_min_length = models.PositiveIntegerField(default=40)
    deck_max_length = models.PositiveIntegerField(default=200)
    min_figure_width = models.PositiveIntegerField(
        default=1200,
        help_text="Pixels. Figures are served up to 1200 pixels wide on large screens.",
    )
    page_weight_budget_kb = models.PositiveIntegerField(
        default=800,
        help_text="Kilobytes of figure images a phone downloads for one article.",
    )
    hosts_without_https = models.TextField(
        blank=True,
        help_text="One host a line. Links to these hosts may use http:.",
    )

    base_form_class = ChecksSettingsForm
    panels = [
        FieldPanel("blocking_checks"),
        FieldPanel("disabled_checks"),
        FieldPanel("house_style_words"),
        MultiFieldPanel(
            [
                FieldPanel("quote_style"),
                FieldPanel("caption_full_stop"),
                FieldPanel("headline_min_length"),
                FieldPanel("headline_max_length"),
                FieldPanel("deck_min_length"),
                FieldPanel("deck_max_length"),
            ],
            heading="House style",
        ),
        MultiFieldPanel(
            [
                FieldPanel("min_figure_width"),
                FieldPanel("page_weight_budget_kb"),
                FieldPanel("hosts_without_https"),
            ],
            heading="Figures and links",
        ),
    ]

    class Meta:
        verbose_name = "editorial checks"

    def clean(self):
        super().clean()
        for name in ("blocking_checks", "disabled_checks"):
            unknown = [code for code in getattr(self, name) or [] if code not in registry]
            if unknown:
                raise ValidationError({name: f"No such check: {', '.join(unknown)}"})
        for line in self.house_style_words.splitlines():
            if "=>" in line and not line.split("=>", 1)[0].strip():
                raise ValidationError({"house_style_words": f"No word before “=>”: {line}"})

    @property
    def house_style_rules(self):
        """(compiled pattern, word as written, replacement or "") for each listed word."""
        rules = []
        for line in self.house_style_words.splitlines():
            word, _, replacement = line.partition("=>")
            word = " ".join(word.split())
            if not word:
                continue
            pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, word.split())) + r"(?!\w)"
            rules.append((re.compile(pattern, re.IGNORECASE), word, replacement.strip()))
        return rules

    @property
    def https_exempt_hosts(self):
        return {line.strip().lower() for line in self.hosts_without_https.splitlines() if line}

    def is_blocking(self, code):
        return code in (self.blocking_checks or [])

    def is_enabled(self, code):
        return code not in (self.disabled_checks or [])
