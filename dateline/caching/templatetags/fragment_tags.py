"""`{% fragment %}`: a part of a page kept by what makes it what it is (caching/fragments.py).

    {% load fragment_tags %}
    {% fragment "article" page.pk page.live_revision_id path=request.path %}
      ...
    {% endfragment %}

Like Django's `{% cache %}`, with the vary-on values after the name; unlike
it, no expiry to choose: the key carries the release, the scheme and host,
and the fragment is used only while the purge markers of `path` (and of the
site) and the images it shows are as they were when it was rendered. It is
never used in a preview or for a signed-in editor. `when=` (optional) keeps
it only when true: a page type whose part shows more than its revision (live
coverage's updates) says no.
"""

from django import template

from dateline.caching import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on, path, when):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.path = path
        self.when = when

    def render(self, context):
        request = context.get("request")
        if self.when is not None and not self.when.resolve(context):
            return self.nodelist.render(context)
        return fragments.cached(
            request,
            self.name.resolve(context),
            [value.resolve(context) for value in self.vary_on],
            self.path.resolve(context),
            lambda: self.nodelist.render(context),
        )


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    options = {}
    while len(bits) > 2 and bits[-1].startswith(("path=", "when=")):
        name, _, value = bits.pop().partition("=")
        options[name] = parser.compile_filter(value)
    if len(bits) < 2 or "path" not in options:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes a name, the values it varies on, path=<the page's path> "
            "and, if it is kept only sometimes, when=<a condition>"
        )
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist,
        parser.compile_filter(bits[1]),
        [parser.compile_filter(bit) for bit in bits[2:]],
        options["path"],
        options.get("when"),
    )
