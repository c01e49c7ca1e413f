import getpass
import os

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.models import CLINICIANS_GROUP

CREDENTIAL_VARIABLE = "DJANGO_CLINICIAN_PASSWORD"  # the environment variable that holds it
SECOND_FACTOR_NOTE = (
    "First sign-in: after the password, {username} is asked to set up two-factor sign-in: scan a QR code\n"
    "with an authenticator app (or type its setup key), enter the 6-digit code it shows, and keep the 10\n"
    "recovery codes shown once. The admin opens only after that, and every later sign-in asks for a code.\n"
    "Lost phone: a superuser resets it in /admin/auth/user/ (action \"Reset two-factor sign-in\")."
)
SETUP_LINK_NOTE = (
    "One-time setup link for {username}, good for {hours} hours and for one use:\n\n{link}\n\n"
    "Give it to {username} alone, as you would a password: it lets whoever opens it first choose the\n"
    "account's password. Until then the account has no password at all, so nobody can sign in to it.\n"
    "An expired link: run this command again with the same username and --setup-link for a new one."
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
        parser.add_argument(
            "--setup-link", action="store_true",
            help="Set no password: print a one-time link with which the clinician chooses their own password "
                 "(then sets up two-factor sign-in at the first sign-in). Again for a clinician who has not "
                 "used it yet: a new link.",
        )

    def handle(self, *args, username: str, email: str, interactive: bool, setup_link: bool, **options):
        User = get_user_model()
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            if setup_link and existing.is_staff and not existing.has_usable_password():
                self.stdout.write(self._setup_link_note(existing))
                return
            raise CommandError(f"A user named {username!r} already exists.")
        user = User(username=username, email=email, is_staff=True)
        if setup_link:
            user.set_unusable_password()
        else:
            password = self._password(interactive)
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                raise CommandError("Password rejected: " + " ".join(exc.messages)) from None
            user.set_password(password)
        with transaction.atomic():
            user.save()
            group, _ = Group.objects.get_or_create(name=CLINICIANS_GROUP)
            user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"Clinician {username!r} created."))
        self.stdout.write(SECOND_FACTOR_NOTE.format(username=username))
        if setup_link:
            self.stdout.write(self._setup_link_note(user))

    def _setup_link_note(self, user) -> str:
        """Django's password-reset link: signed, expiring (PASSWORD_RESET_TIMEOUT) and good once,
        since the token is made from the password hash that setting the password replaces."""
        path = reverse("password_reset_confirm", kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user),
        })
        return SETUP_LINK_NOTE.format(username=user.get_username(), hours=settings.PASSWORD_RESET_TIMEOUT // 3600,
                                      link=settings.SITE_URL.rstrip("/") + path)

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


