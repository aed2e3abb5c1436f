import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from dateline.demo.loader import load_demo_site
from dateline.demo.warm import warm_public_pages
from dateline.news.models import ArticlePage


class Command(BaseCommand):
    help = (
        "Create the demo site (sections, authors, articles with photos) and an "
        "editor account, unless they exist already. Existing data is never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--editor", default="editor", help="Username of the editor account.")
        parser.add_argument("--no-editor", action="store_true", help="Do not create an account.")

    def handle(self, *args, **options):
        had_site = ArticlePage.objects.exists()
        load_demo_site()
        if not had_site:
            count = ArticlePage.objects.count()
            pages = warm_public_pages()
            self.stdout.write(
                f"Demo site created with {count} articles ({pages} pages pre-rendered)."
            )
        if not options["no_editor"]:
            self._ensure_editor(options["editor"])

    def _ensure_editor(self, username):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        # Shown once: only a hash is stored.
        self.stdout.write(
            self.style.SUCCESS(
                "\n  Editor account created. Sign in at /admin/ with\n"
                f"    username: {username}\n    password: {password}\n"
                "  This password is shown only now; change it under Account settings.\n"
            )
        )
