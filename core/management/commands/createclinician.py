import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.models import CLINICIANS_GROUP

CREDENTIAL_VARIABLE = "DJANGO_CLINICIAN_PASSWORD"  # the environment variable that holds it
SECOND_FACTOR_NOTE = (
    "First sign-in: after the password, {username} is asked to set up two-factor sign-in: scan a QR code\n"
    "with an authenticator app (or type its setup key), enter the 6-digit code it shows, and keep the 10\n"
    "recovery codes shown once. The admin opens only after that, and every later sign-in asks for a code.\n"
    "Lost phone: a superuser resets it in /admin/auth/user/ (action \"Reset two-factor sign-in\")."
)


class Command(BaseCommand):
    help = "Create a clinician: a staff user in the Clinicians group, who reviews patients in /admin/."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help=f"Do not prompt; read the password from {CREDENTIAL_VARIABLE}.",
        )

    def handle(self, *args, username: str, email: str, interactive: bool, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        password = self._password(interactive)
        user = User(username=username, email=email, is_staff=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password rejected: " + " ".join(exc.messages)) from None
        with transaction.atomic():
            user.set_password(password)
            user.save()
            group, _ = Group.objects.get_or_create(name=CLINICIANS_GROUP)
            user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"Clinician {username!r} created."))
        self.stdout.write(SECOND_FACTOR_NOTE.format(username=username))

    def _password(self, interactive: bool) -> str:
        if not interactive:
            password = os.environ.get(CREDENTIAL_VARIABLE, "")
            if not password:
                raise CommandError(f"With --noinput, set the password in {CREDENTIAL_VARIABLE}.")
            return password
        while True:
            first = getpass.getpass("Password: ")
            if first and first == getpass.getpass("Password (again): "):
                return first
            self.stderr.write("The passwords were empty or did not match. Try again.")


