from django import forms

# Limits are shown on the form and enforced, never silently truncated.
COMMENT_MAX_LENGTH = 5000
NAME_MAX_LENGTH = 80
EMAIL_MAX_LENGTH = 254
URL_MAX_LENGTH = 200


class CommentForm(forms.Form):
    """The reader's "Leave a Reply" form, in the fields and order of a classic news site."""

    comment = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"Plain text, up to {COMMENT_MAX_LENGTH:,} characters. Links become clickable.",
    )
    name = forms.CharField(label="Name", max_length=NAME_MAX_LENGTH)
    email = forms.EmailField(
        label="Email",
        max_length=EMAIL_MAX_LENGTH,
        help_text="Never shown to anyone.",
    )
    website = forms.URLField(
        label="Website", max_length=URL_MAX_LENGTH, required=False, assume_scheme="https"
    )

    autocomplete = {"name": "name", "email": "email", "website": "url"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in self.autocomplete:
                field.widget.attrs["autocomplete"] = self.autocomplete[name]
