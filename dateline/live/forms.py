"""The live desk's update form: what a reporter types, cleaned before any check sees it."""

from django import forms
from wagtail.images import get_image_model

from dateline.news.models import AuthorPage

from .models import LiveUpdate
from .text import clean_line, clean_source

LINE_FIELDS = ("title", "image_alt", "caption", "credit", "quote_source")
TEXT_FIELDS = ("text", "quote")


class UpdateForm(forms.ModelForm):
    image = forms.ModelChoiceField(queryset=get_image_model().objects.all(), required=False)
    authors = forms.ModelMultipleChoiceField(queryset=AuthorPage.objects.all(), required=False)

    class Meta:
        model = LiveUpdate
        fields = [
            "title",
            "text",
            "image",
            "image_alt",
            "caption",
            "credit",
            "quote",
            "quote_source",
            "key_event",
            "pinned",
            "authors",
        ]

    def clean(self):
        data = super().clean()
        for name in LINE_FIELDS:
            data[name] = clean_line(data.get(name, ""))
        for name in TEXT_FIELDS:
            data[name] = clean_source(data.get(name, ""))
        if not (data.get("text") or data.get("quote") or data.get("image")):
            raise forms.ValidationError("Write some text, add a quote or choose a photo.")
        if data.get("quote_source") and not data.get("quote"):
            self.add_error("quote", "Type the quote, or clear who it is from.")
        if not data.get("image"):
            data["image_alt"] = data["caption"] = data["credit"] = ""
        return data

    def update_fields(self):
        """The cleaned values for changes.post/edit (authors apart)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "authors"}
