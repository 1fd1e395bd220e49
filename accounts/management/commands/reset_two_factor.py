"""Reset a user's second factor from the server: for an administrator who lost their own phone
and recovery codes when no other administrator can reset it in the admin. Audited (no actor)."""

from django.core.management.base import BaseCommand, CommandError

from accounts import twofactor
from accounts.models import User


class Command(BaseCommand):
    help = "Delete a user's two-factor devices; they set up again at their next sign-in (audited)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError("No such user.")
        removed = twofactor.reset_second_factor(actor=None, user=user)
        self.stdout.write(f"Removed {removed} device(s); the user sets up two-factor authentication again.")
