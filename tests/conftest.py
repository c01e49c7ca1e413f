import os

import django.test
import pytest
from django.core.cache import cache
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import views
from tests.factories import ClinicianFactory, PatientFactory


def confirmed_device(user) -> TOTPDevice:
    """The user's authenticator app, as if they had set it up."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows now, from the device's key (RFC 6238)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


class Client(django.test.Client):
    """Django's test client. force_login() of a staff user also gives the second factor, as a real
    sign-in with a code would, by django-otp's own session key; `verified=False` leaves it out for
    the tests of the two-factor step itself."""

    def force_login(self, user, backend=None, verified: bool = True):
        super().force_login(user, backend)
        if verified and user.is_staff:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
            session.save()


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def patient(db):
    return PatientFactory(user__username="pat")


@pytest.fixture
def other_patient(db):
    """A second patient, who should have no access to the first one's data."""
    return PatientFactory(user__username="other")


@pytest.fixture
def clinician(db):
    return ClinicianFactory(username="drwho")


@pytest.fixture
def patient_client(client, patient):
    client.force_login(patient.user)
    return client


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture(autouse=True)
def _default_rules(request):
    """The default rules and Clinicians group the data migrations made. A transactional test
    (the browser tests) flushes them, and tests run in an order of pytest-django's choosing."""
    names, marker = set(request.fixturenames), request.node.get_closest_marker("django_db")
    if not names & {"db", "transactional_db", "live_server"} and marker is None:
        return
    transactional = names & {"transactional_db", "live_server"} or (marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps

    from core.default_rules import install
    from core.models import Rule

    if not Rule.objects.exists():
        install(apps)


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    # Each test's database starts again from the same ids and data versions: cached fragments of
    # an earlier test would look current.
    views._anonymous_pages.clear()
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request leaves the language it was served in active in the thread (LocaleMiddleware): each
    # test starts in English, as a management command or e-mail job would.
    yield
    translation.deactivate()


def pytest_unconfigure(config):
    """Django removes the SQLite test database file, but not the WAL files beside it that a
    connection still open at the end (a thread's) keeps: leave nothing in /tmp."""
    from django.conf import settings

    name = getattr(settings, "TEST_DATABASE", None)
    for leftover in (f"{name}-wal", f"{name}-shm") if name else ():
        if os.path.exists(leftover):
            os.remove(leftover)
