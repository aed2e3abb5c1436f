"""Run the editorial checks over stored articles and print what they find."""

from django.core.management.base import BaseCommand, CommandError

from dateline.editorial_checks.runner import run_checks
from dateline.news.models import ArticlePage


class Command(BaseCommand):
    help = "Run the editorial checks on articles (their latest drafts) and list the findings."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Article slugs; all articles if none.")
        parser.add_argument(
            "--published", action="store_true", help="Only articles readers can see."
        )

    def handle(self, *args, slugs, published, **options):
        articles = ArticlePage.objects.published() if published else ArticlePage.objects.all()
        if slugs:
            articles = articles.filter(slug__in=slugs)
            missing = set(slugs) - set(articles.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No article with the slug: {', '.join(sorted(missing))}")
        checked = with_findings = 0
        for article in articles.order_by("path"):
            report = run_checks(article.get_latest_revision_as_object())
            checked += 1
            if not report.open:
                continue
            with_findings += 1
            self.stdout.write(f"{article.title} ({article.url_path})")
            for item in report.open:
                blocking = ", blocks publishing" if item.blocking else ""
                self.stdout.write(
                    f"  [{item.severity.label}{blocking}] {item.code} at {item.location.label}: "
                    f"“{item.span}” {item.rule}"
                    + (f" Suggestion: {item.suggestion}" if item.suggestion else "")
                )
        self.stdout.write(f"{checked} articles checked, {with_findings} with open findings.")
