import os
import secrets
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.core.validators import validate_email

from dateline.demo.loader import load_demo_site
from dateline.demo.warm import warm_public_pages
from dateline.news.models import ArticlePage
from dateline.newsroom.roles import setup_roles

ASK = (
    "Email address for the editor account (review requests and comments awaiting "
    "moderation are sent there; Enter to skip): "
)
HOW_TO_SET = (
    "  The editor account has no email address, so review requests and comments awaiting\n"
    "  moderation reach it only on the dashboard. Set one with\n"
    "    EDITOR_EMAIL=you@example.org make run\n"
    "  or on the account page in the admin (/admin/account/).\n"
)


class Command(BaseCommand):
    help = (
        "Create the demo site (sections, authors, articles with photos) and an "
        "editor account in the Editors group, unless they exist already. Existing "
        "data is never changed, except that an editor account with no email address "
        "is given the one in EDITOR_EMAIL (or asked for, in a terminal)."
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
        editors = setup_roles()["editor"]
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username=username, email="", password=password)
            user.groups.add(editors)
            # Shown once: only a hash is stored.
            self.stdout.write(
                self.style.SUCCESS(
                    "\n  Editor account created. Sign in at /admin/ with\n"
                    f"    username: {username}\n    password: {password}\n"
                    "  This password is shown only now; change it under Account settings.\n"
                )
            )
        elif not user.groups.filter(pk=editors.pk).exists():
            user.groups.add(editors)
        if not user.email:
            self._give_email(user)

    def _give_email(self, user):
        """From EDITOR_EMAIL, else asked for in a terminal; a run that nobody watches
        (CI, a pipe) is never held up by a question, and is told how to set it."""
        address = os.environ.get("EDITOR_EMAIL", "").strip()
        if not address and sys.stdin.isatty():
            address = self._ask()
        if not address:
            self.stdout.write(HOW_TO_SET)
            return
        try:
            validate_email(address)
        except ValidationError:
            self.stderr.write(f"  EDITOR_EMAIL={address!r} is not an email address.\n")
            self.stdout.write(HOW_TO_SET)
            return
        user.email = address
        user.save(update_fields=["email"])
        self.stdout.write(f"  The editor account's email address is {address}.\n")

    def _ask(self):
        for _attempt in range(3):
            try:
                answer = input(ASK).strip()
            except EOFError:
                return ""
            if not answer:
                return ""
            try:
                validate_email(answer)
            except ValidationError:
                self.stdout.write("  That is not an email address.\n")
                continue
            return answer
        return ""
