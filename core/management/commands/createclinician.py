import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.models import CLINICIANS_GROUP

CREDENTIAL_VARIABLE = "DJANGO_CLINICIAN_PASSWORD"  # the environment variable that holds it


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


