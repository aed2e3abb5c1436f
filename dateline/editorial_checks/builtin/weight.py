"""Page weight: what a phone downloads for the article's figures."""

from ..base import Check, registry

# What Chromium on a phone (390 CSS pixels at 2x) picks from the figure
# template's <picture>: the AVIF source, 800 pixels wide. Same filter spec as
# templates/blocks/figure.html, so the rendition is shared with the page.
PHONE_RENDITION = "format-avif|width-800"


def phone_bytes(image):
    rendition = image.get_rendition(PHONE_RENDITION)
    try:
        return rendition.file.size
    except (OSError, ValueError):
        return 0


@registry.register
class PageWeight(Check):
    code = "page-weight"
    title = "Article over its page-weight budget"
    group = "weight"

    def run(self, article):
        budget = article.style.page_weight_budget_kb * 1024
        images = {f.image.pk: f.image for f in article.figures if f.image is not None}
        sizes = {pk: phone_bytes(image) for pk, image in images.items()}
        total = sum(sizes.values())
        if total <= budget:
            return
        heaviest = max(images.values(), key=lambda image: sizes[image.pk])
        where = next(f for f in article.figures if f.image is heaviest)
        yield self.finding(
            where.location,
            str(heaviest.title),
            f"A phone downloads {total / 1024:.0f} KB of images for this article; "
            f"the budget is {budget // 1024} KB.",
            suggestion=f"Remove a figure or use a lighter photo; “{heaviest.title}” alone is "
            f"{sizes[heaviest.pk] / 1024:.0f} KB.",
        )
