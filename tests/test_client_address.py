"""The client's address behind PROXY_COUNT trusted proxies: for the sign-in lockout and the audit trail."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from isodiary.env import client_address_settings
from tests.factories import PASSWORD, ClinicianFactory, PatientFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
PROXY = "10.0.0.2"  # the reverse proxy: every request through it arrives from this address


def behind_proxies(count: int):
    return override_settings(PROXY_COUNT=count, **client_address_settings(count))


def attempt(client, password: str, *, remote: str = PROXY, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": "pat", "password": password}, **extra)


def fail_five_times(client, **where):
    for _ in range(5):
        assert attempt(client, "wrong-password", **where).status_code in (200, 400, 429)


@pytest.fixture
def account(db):
    return PatientFactory(user__username="pat")


def test_with_no_proxy_a_forged_header_changes_nothing(client, account):
    for n in range(5):  # a new forged address on every try
        attempt(client, "wrong-password", remote="192.0.2.10", forwarded=f"198.51.100.{n}")
    response = attempt(client, PASSWORD, remote="192.0.2.10", forwarded="203.0.113.99")
    assert response.status_code == 429


def test_with_no_proxy_another_connection_can_still_sign_in(client, account):
    fail_five_times(client, remote="192.0.2.10")
    assert attempt(client, PASSWORD, remote="192.0.2.10").status_code == 429
    assert attempt(client, PASSWORD, remote="192.0.2.11").status_code == 302


@pytest.mark.parametrize("count, failing, same_client, other_client", [
    # One proxy: failures from one client do not lock the account for another.
    (1, "203.0.113.5", "203.0.113.5", "198.51.100.7"),
    # The client wrote "1.1.1.1" itself; the proxy appended the address it really came from.
    (1, "203.0.113.5", "1.1.1.1, 203.0.113.5", "198.51.100.7"),
    # Two proxies: the client is second from the right, whatever it wrote to the left.
    (2, "6.6.6.6, 203.0.113.5, 10.0.0.9", "203.0.113.5, 10.0.0.9", "198.51.100.7, 10.0.0.9"),
])
def test_behind_proxies_the_lockout_is_per_client(client, account, count, failing, same_client, other_client):
    with behind_proxies(count):
        fail_five_times(client, forwarded=failing)
        assert attempt(client, PASSWORD, forwarded=same_client).status_code == 429
        assert attempt(client, PASSWORD, forwarded=other_client).status_code == 302


def change_patient_in_admin(client, patient, **extra):
    return client.post(f"/admin/core/patient/{patient.pk}/change/", {
        "can_become_pregnant": "on", "target_low_mg_per_kg": 120, "target_high_mg_per_kg": 150,
    }, **extra)


@pytest.mark.parametrize("count, forwarded, recorded", [
    (0, "6.6.6.6", "192.0.2.44"),  # no proxy: the header is anyone's word, the connection counts
    (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # one proxy: what it appended, not what the client wrote
])
def test_the_audit_trail_records_the_clients_address(client, count, forwarded, recorded):
    doctor = ClinicianFactory()
    patient = PatientFactory()
    patient.clinicians.add(doctor)
    client.force_login(doctor)
    remote = "192.0.2.44" if count == 0 else PROXY
    with behind_proxies(count):
        response = change_patient_in_admin(client, patient, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 302
    trail = LogEntry.objects.get_for_object(patient).filter(actor=doctor)  # not the set-up above
    assert {e.remote_addr for e in trail.filter(action=LogEntry.Action.UPDATE)} == {recorded}
    assert {e.remote_addr for e in trail.filter(action=LogEntry.Action.ACCESS)} == {recorded}


@pytest.mark.parametrize("count", [-1, 6])
def test_a_proxy_count_out_of_range_stops_start_up(count):
    with pytest.raises(ImproperlyConfigured):
        client_address_settings(count)


def test_proxy_count_is_read_from_the_environment():
    env = {**os.environ, "PROXY_COUNT": "1", "SECRET_KEY": "x" * 60}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='isodiary.settings';"
         " django.setup(); from django.conf import settings as s;"
         " print(s.PROXY_COUNT, s.AXES_IPWARE_PROXY_COUNT, s.AXES_IPWARE_META_PRECEDENCE_ORDER)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 0 ('HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR')"
