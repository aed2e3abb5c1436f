from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Turn on two-factor sign-in for an editor: prints the otpauth:// address to add "
        "to their authenticator app. --remove turns it off again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--remove", action="store_true", help="Remove the authenticator.")

    def handle(self, *args, username, remove=False, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        TOTPDevice.objects.filter(user=user).delete()
        if remove:
            self.stdout.write(f"Two-factor sign-in is off for {username}.")
            return
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        self.stdout.write(
            f"Two-factor sign-in is on for {username}. Add this to their authenticator app "
            "(as a QR code or by pasting it), and keep it secret:\n"
        )
        self.stdout.write(device.config_url)
