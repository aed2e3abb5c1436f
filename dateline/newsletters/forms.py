from django import forms

from .addresses import AddressError, normalise


class SubscribeForm(forms.Form):
    # Checked by addresses.normalise alone, so every refusal reads the same way.
    email = forms.CharField(strip=False, required=False)
    newsletters = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)
    source = forms.CharField(max_length=500, required=False)
    # A honeypot: hidden from people (CSS and aria-hidden); bots fill in every field.
    website = forms.CharField(required=False)

    error_messages = {"no_newsletter": "Please tick at least one newsletter."}

    def __init__(self, *args, newsletters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].validators = []
        self.available = {n.pk: n for n in newsletters}
        self.fields["newsletters"].choices = [(n.pk, n.name) for n in newsletters]
        self.fields["newsletters"].error_messages.update(
            required=self.error_messages["no_newsletter"],
            invalid_choice="That newsletter is no longer offered; please choose again.",
        )

    def clean_email(self):
        try:
            return normalise(self.cleaned_data["email"])
        except AddressError as error:
            raise forms.ValidationError(str(error)) from None

    def chosen(self):
        return [self.available[pk] for pk in self.cleaned_data["newsletters"]]


class ChoiceForm(forms.Form):
    """The confirm and preferences pages: which newsletters, and (preferences) a pause."""

    newsletters = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)
    paused = forms.BooleanField(required=False)

    def __init__(self, *args, newsletters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newsletters"].choices = [(n.pk, n.name) for n in newsletters]
