"""Change the e-mail address of a user who holds a role, at the server: the admin does not (the
password link goes there; accounts.services.email_fixed_in_admin). Audited as a change of the
user's details, with no actor (the operator's)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.models import User


class Command(BaseCommand):
    help = "Set a user's e-mail address (audited as the operator's change)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("email")

    def handle(self, *args, username: str, email: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError("No such user.")
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError("Not an e-mail address.") from error
        user.email = email
        user.save(update_fields=["email"])
        self.stdout.write("E-mail address changed; send the user a password link if they need one.")
