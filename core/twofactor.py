"""Two-factor sign-in on top of django-otp: an authenticator app (TOTP) and one-time recovery codes.

Staff always need it; a patient who turns it on needs it from then on. Signing in stays Django's
(username and password, django-axes counting failures); a session whose user needs a second factor
and has not given it reaches only the code page, the enrolment page and sign-out
(core.middleware.TwoFactorMiddleware). django-otp keeps which device verified the session
(`django_otp.login`) and slows down repeated wrong codes on each device (OTP_*_THROTTLE_FACTOR).

Enrolment belongs to one session: the key being set up lives in that session only (no device row
until the first code confirms it), so someone else who has the password gets a different key and
cannot finish or hijack the owner's enrolment; the owner is e-mailed when a second factor is set up
or reset on their account (see README, "Two-factor sign-in")."""

import base64
import re

import django_otp
import segno
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from post_office import mail

from . import audit
from .accounts import language_of

# Set at sign-in for a patient who has a device: this session must give a code before anything else.
REQUIRED_KEY = "two_factor_required"
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
TOTP_TOKEN = re.compile(r"^\d{6}$")
# The key of the authenticator being set up, in the session that shows it (and nowhere else).
SETUP_KEY_SESSION_KEY = "two_factor_setup_key"

ENROLLED, RESET, TURNED_OFF = "enrolled", "reset", "turned off"
NOTICES = {
    ENROLLED: (
        gettext_lazy("Two-factor sign-in was set up on your account"),
        gettext_lazy(
            "An authenticator app was just set up for two-factor sign-in on your account ({username}).\n\n"
            "If that was you, there is nothing to do.\n\n"
            "If it was not you, someone else knows your password: contact your clinic at once. They can "
            "reset two-factor sign-in so that you can set it up on your own phone, and then change your password."
        ),
    ),
    RESET: (
        gettext_lazy("Two-factor sign-in was reset on your account"),
        gettext_lazy(
            "An administrator reset two-factor sign-in on your account ({username}): the authenticator app "
            "and recovery codes set up before no longer work. A new authenticator app can be set up at the "
            "next sign-in.\n\n"
            "If you did not ask for this, contact your clinic at once."
        ),
    ),
    TURNED_OFF: (
        gettext_lazy("Two-factor sign-in was turned off on your account"),
        gettext_lazy(
            "Two-factor sign-in was just turned off on your account ({username}): signing in now asks for "
            "your password only.\n\n"
            "If that was you, there is nothing to do.\n\n"
            "If it was not you, someone else has signed in to your account: change your password at once, "
            "turn two-factor sign-in on again, and contact your clinic."
        ),
    ),
}


def required(request: HttpRequest) -> bool:
    """Whether this signed-in session needs a second factor: staff always, patients who turned it on."""
    user = request.user
    return user.is_authenticated and (user.is_staff or bool(request.session.get(REQUIRED_KEY)))


@receiver(user_logged_in)
def _remember_patient_choice(sender, request, user, **kwargs) -> None:
    # Read once at sign-in rather than on every request: the patient pages stay at their queries.
    if request is not None and hasattr(request, "session") and not user.is_staff:
        request.session[REQUIRED_KEY] = enrolled(user)


def enrolled(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def setup_device(request: HttpRequest) -> TOTPDevice:
    """The authenticator this session is setting up, not saved: a new key for every session that
    opens the setup page, the same one on a reload, kept in this session alone until a code from it
    confirms it. Another session (someone else who has the password) gets a key of its own, and a
    code from that key is no good here."""
    key = request.session.get(SETUP_KEY_SESSION_KEY)
    if not key:
        key = random_hex(20)  # what django-otp's TOTPDevice takes by default
        request.session[SETUP_KEY_SESSION_KEY] = key
    return TOTPDevice(user=request.user, name=APP_DEVICE_NAME, key=key, confirmed=False)


def qr_code_data_uri(url: str) -> str:
    # An <img> with a data: URI: no inline script or style, so it passes the strict CSP.
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)


def secret_for_typing(device: TOTPDevice) -> str:
    """The key as an app's "enter a setup key" screen takes it: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def clean_token(raw: str) -> str:
    """What people type: spaces and dashes between groups, either case."""
    return re.sub(r"[\s-]", "", raw or "").lower()


def verify(user, token: str) -> tuple[Device | None, bool]:
    """The device that accepts this code (six digits: the app; otherwise a recovery code, used up),
    and whether the device is throttled after too many wrong codes."""
    token = clean_token(token)
    model = TOTPDevice if TOTP_TOKEN.match(token) else StaticDevice
    device = model.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        return None, False
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return None, True
    return django_otp.verify_token(user, device.persistent_id, token), False


def confirm(request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Finish enrolment with the first code from the app: the device is saved and counts from now
    on, the session is verified with it, the owner is told by e-mail, and a fresh set of recovery
    codes is returned (shown once). None if the code is not one the session's key makes now.

    Wrong codes are not slowed down here: the key is this session's own, shown on its page, so
    guessing gains nothing."""
    token = clean_token(token)
    if not TOTP_TOKEN.match(token):
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not totp.verify(int(token), device.tolerance):
        return None
    user = request.user
    with transaction.atomic():
        # Two sessions confirming at once: the second waits here, then finds the first's device.
        get_user_model().objects.select_for_update().get(pk=user.pk)
        if enrolled(user):
            return None
        # One authenticator per person: a new one replaces any earlier (unconfirmed) one.
        TOTPDevice.objects.devices_for_user(user).delete()
        device.confirmed = True
        device.last_t = totp.t()  # the code just used does not sign in again
        device.drift = totp.drift
        device.save()
        codes = new_recovery_codes(user)
    del request.session[SETUP_KEY_SESSION_KEY]
    django_otp.login(request, device)
    request.session[REQUIRED_KEY] = True
    # The session has just become more privileged (verified): a new key, as Django's login() gives
    # one, so that a key someone learned before is worth nothing now.
    request.session.cycle_key()
    tell_owner(user, ENROLLED)
    return codes


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes: ten one-time codes, each good for one sign-in."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME,
                                                       defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def turn_off(request: HttpRequest) -> None:
    """A patient turns two-factor sign-in off: their devices go, this session carries on, and the
    owner is told by e-mail (someone who got in could otherwise remove it unnoticed)."""
    if remove_devices(request.user):
        tell_owner(request.user, TURNED_OFF)
    request.session.pop(REQUIRED_KEY, None)


def remove_devices(user) -> int:
    """Delete the user's authenticator and recovery codes. A session verified with them is no longer
    verified (OTPMiddleware finds no device), so staff enrol again before the admin opens."""
    with transaction.atomic():
        count = 0
        for model in (TOTPDevice, StaticDevice):
            count += model.objects.devices_for_user(user).delete()[0]
    return count


def reset_for(request: HttpRequest, user) -> None:
    """A superuser resets someone's second factor (a lost phone): recorded in the audit trail, and
    the owner is told by e-mail if there was anything to remove."""
    removed = remove_devices(user)
    audit.record_account_event(
        request, user, action=LogEntry.Action.UPDATE, actor=request.user,
        text="two-factor sign-in reset: authenticator and recovery codes removed", data={"event": "two-factor reset"},
    )
    if removed:
        tell_owner(user, RESET)


def tell_owner(user, event: str) -> None:
    """E-mail the account's owner that its second factor changed, so that an enrolment by someone
    else who had the password does not go unnoticed. Queued through django-post-office like all
    mail; nothing about health, the diary or the clinic's patients, only the account itself."""
    if not user.email:
        return
    subject, body = NOTICES[event]
    with translation.override(language_of(user)):  # the owner's language, not the admin's
        mail.send(recipients=[user.email], subject=str(subject),
                  message=str(body).format(username=user.get_username()), priority="medium")
