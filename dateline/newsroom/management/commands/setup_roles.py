from django.core.management.base import BaseCommand, CommandError

from dateline.newsroom.roles import REVIEW_WORKFLOW_NAME, ROLES, setup_roles


class Command(BaseCommand):
    help = (
        "Create (or repair) the newsroom's groups: Reporters, Editors, Moderators and "
        "Administrators, and the 'Newsroom review' workflow. Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            groups = setup_roles()
        except LookupError as error:
            raise CommandError(f"{error}. Run `dateline migrate` first.") from error
        for role in ROLES:
            group = groups[role.key]
            self.stdout.write(f"{group.name}: {role.summary}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Roles ready; articles under each front page go through '{REVIEW_WORKFLOW_NAME}'."
            )
        )
