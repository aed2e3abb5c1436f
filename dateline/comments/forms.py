import unicodedata

from django import forms
from django.core.validators import RegexValidator, URLValidator

from .text import (
    WEBSITE_REFUSED,
    WEBSITE_UNSAFE_CHARACTERS,
    clean_body,
    clean_name,
    has_visible_letter,
)

# Limits are shown on the form and enforced, never silently truncated.
COMMENT_MAX_LENGTH = 5000
NAME_MAX_LENGTH = 80
EMAIL_MAX_LENGTH = 254
URL_MAX_LENGTH = 200
HONEYPOT_FIELD = "homepage_confirm"
PARENT_GONE = "The comment you replied to is not available any more."


class CommentTextField(forms.CharField):
    """Browsers send each line break as two characters (CR LF); the limit counts
    it as the one the reader sees, so text that fits in the form is accepted."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class WebsiteField(forms.URLField):
    # In place of URLField's own validator (which would say "Enter a valid URL."
    # a second time): http(s) only, and the rule that decides whether the page
    # shows the address (text.safe_website), so what is accepted is shown.
    default_validators = [
        URLValidator(schemes=["http", "https"]),
        RegexValidator(
            WEBSITE_UNSAFE_CHARACTERS,
            message=WEBSITE_REFUSED,
            code="unshowable",
            inverse_match=True,
        ),
    ]


class CommentForm(forms.Form):
    """The reader's "Leave a Reply" form, in the fields and order of a classic news site."""

    comment = CommentTextField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        # comments.js counts down to the limit (not maxlength, which cuts pasted text).
        widget=forms.Textarea(attrs={"rows": 8, "data-max-length": COMMENT_MAX_LENGTH}),
        help_text=f"Plain text, up to {COMMENT_MAX_LENGTH:,} characters. Links become clickable.",
    )
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        help_text=f"Shown with your comment, up to {NAME_MAX_LENGTH} characters.",
    )
    email = forms.EmailField(
        label="Email",
        max_length=EMAIL_MAX_LENGTH,
        help_text="Never shown to anyone. Up to 254 characters.",
    )
    website = WebsiteField(
        label="Website",
        max_length=URL_MAX_LENGTH,
        required=False,
        assume_scheme="https",
        help_text="Optional; an http or https address.",
    )
    remember = forms.BooleanField(
        label="Save my name, email, and website in this browser for the next time I comment.",
        required=False,
    )
    # Filled in by the page, not by the reader.
    parent = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**63 - 1,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            "The comment you replied to is not available any more.",
        ),
    )
    form_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=300)
    # Hidden from people; a bot that fills every field gives itself away.
    homepage_confirm = forms.CharField(
        required=False,
        label="Leave this field empty",
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    autocomplete = {"name": "name", "email": "email", "website": "url"}
    reader_fields = ("comment", "name", "email", "website", "remember")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            # A browser's maxlength cuts pasted text silently; the server refuses
            # overlong input with a message instead, and the limit is in the help text.
            field.widget.attrs.pop("maxlength", None)
            if name in self.autocomplete:
                field.widget.attrs["autocomplete"] = self.autocomplete[name]

    def full_clean(self):
        super().full_clean()
        # Two checks can find the same fault; the reader is told once.
        for errors in (self._errors or {}).values():
            unique = list(dict.fromkeys(errors))
            if len(unique) < len(errors):
                errors[:] = unique

    def visible_reader_fields(self):
        return [self[name] for name in self.reader_fields]

    def clean_name(self):
        name = clean_name(self.cleaned_data["name"])
        if not has_visible_letter(name):
            raise forms.ValidationError(
                "Please enter a name with at least one visible letter or digit."
            )
        return name

    def clean_comment(self):
        body = clean_body(self.cleaned_data["comment"])
        if not any(unicodedata.category(char)[0] not in "CZ" for char in body):
            raise forms.ValidationError("Please write a comment.")
        return body

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def is_bot(self):
        return bool(self.data.get(HONEYPOT_FIELD))


class EmailRequestForm(forms.Form):
    """A reader asking for their data: only the address, to which a link is sent."""

    email = forms.EmailField(label="Email", max_length=EMAIL_MAX_LENGTH)
