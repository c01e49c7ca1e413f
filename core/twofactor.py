"""Two-factor sign-in on top of django-otp: an authenticator app (TOTP) and one-time recovery codes.

Staff always need it; a patient who turns it on needs it from then on. Signing in stays Django's
(username and password, django-axes counting failures); a session whose user needs a second factor
and has not given it reaches only the code page, the enrolment page and sign-out
(core.middleware.TwoFactorMiddleware). django-otp keeps which device verified the session
(`django_otp.login`) and slows down repeated wrong codes on each device (OTP_*_THROTTLE_FACTOR)."""

import base64
import re

import django_otp
import segno
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit

# Set at sign-in for a patient who has a device: this session must give a code before anything else.
REQUIRED_KEY = "two_factor_required"
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
TOTP_TOKEN = re.compile(r"^\d{6}$")


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


def pending_device(user) -> TOTPDevice:
    """The not-yet-confirmed authenticator this user is setting up (the same key until confirmed)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


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


def confirm(request: HttpRequest, device: TOTPDevice, token: str) -> tuple[list[str] | None, bool]:
    """Finish enrolment with the first code from the app: the device counts from now on, the
    session is verified with it, and a fresh set of recovery codes is returned (shown once).
    Also says whether the device is throttled after wrong codes."""
    token = clean_token(token)
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return None, True
    if not TOTP_TOKEN.match(token) or not device.verify_token(token):
        return None, False
    with transaction.atomic():
        # One authenticator per person: a new one replaces any earlier one.
        TOTPDevice.objects.devices_for_user(request.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(request.user)
    django_otp.login(request, device)
    request.session[REQUIRED_KEY] = True
    # The session has just become more privileged (verified): a new key, as Django's login() gives
    # one, so that a key someone learned before is worth nothing now.
    request.session.cycle_key()
    return codes, False


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
    """A patient turns two-factor sign-in off: their devices go, this session carries on."""
    remove_devices(request.user)
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
    """A superuser resets someone's second factor (a lost phone): recorded in the audit trail."""
    remove_devices(user)
    audit.record_account_event(
        request, user, action=LogEntry.Action.UPDATE, actor=request.user,
        text="two-factor sign-in reset: authenticator and recovery codes removed", data={"event": "two-factor reset"},
    )
