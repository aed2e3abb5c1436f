from django import template

from dateline.newsletters import offered
from dateline.newsletters.subscribing import consent_wording

register = template.Library()


@register.inclusion_tag("newsletters/form.html", takes_context=True)
def newsletter_signup(context, place, section_id=None, heading="Get our newsletters"):
    """The sign-up form: the same bytes for every reader of a page, so it may be cached."""
    choices = (
        offered.for_section(section_id) if section_id else [dict(n) for n in offered.offered()]
    )
    if choices and not any(c.get("checked") for c in choices):
        choices[0]["checked"] = True
    request = context.get("request")
    return {
        "choices": choices,
        "place": place,
        "heading": heading,
        "source": request.path if request is not None else "",
        "wording": consent_wording(),
        "form": context.get("signup_form"),
    }
