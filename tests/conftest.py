import pytest
from django.core.cache import cache

from core import views
from tests.factories import ClinicianFactory, PatientFactory


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
def _fresh_page_cache():
    # Each test's database starts again from the same ids and data versions: cached fragments of
    # an earlier test would look current.
    views._anonymous_pages.clear()
    cache.clear()
