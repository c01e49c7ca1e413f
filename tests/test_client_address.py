"""The client's address behind PROXY_COUNT trusted proxies: for the sign-in lockout and the audit trail.

The headers here are the ones the README's nginx block makes: whatever the client sent in
X-Forwarded-For, then ", " and the address nginx was reached from ($proxy_add_x_forwarded_for)."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from core.client import client_address
from isodiary.env import proxy_count
from tests.factories import PASSWORD, ClinicianFactory, PatientFactory
from tests.realserver import PASSWORD as SERVER_PASSWORD
from tests.realserver import csrf_token, running_server

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
PROXY = "10.0.0.2"  # the reverse proxy: every request through it arrives from this address
CLIENT = "203.0.113.5"  # where the person really is; nginx appends it

# What a client may write into X-Forwarded-For itself, nginx then appending the real address.
FORGED = [
    '9.9.8.7, "',  # an unclosed quote: a lenient parser drops it and the real address after it
    '"127.0.0.9"',
    "127.0.0.9",
    " 127.0.0.9 ",
    "127.0.0.9,",  # an empty entry last
    ",,",
    "",
    "   ",
    "2001:db8::9",
    "[2001:db8::9]:443",
    "unknown",
    "127.0.0.9, 127.0.0.10, 127.0.0.11",
    "127.0.0.9\t, 127.0.0.10",
]


def via_nginx(forged: str | None, real: str = CLIENT) -> str:
    """The header as nginx passes it on: `$http_x_forwarded_for, $remote_addr`, or the latter alone."""
    return real if forged is None else f"{forged}, {real}"


def behind_proxies(count: int):
    return override_settings(PROXY_COUNT=count)


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


def address_of(count: int, forwarded: str | None, remote: str = PROXY) -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    with behind_proxies(count):
        return client_address(RequestFactory().get("/", **meta))


# --- The one function -------------------------------------------------------------------------


@pytest.mark.parametrize("forged", [None, *FORGED])
@pytest.mark.parametrize("real", [CLIENT, "2001:db8::5"])
def test_behind_one_proxy_the_client_is_what_nginx_appended(forged, real):
    assert address_of(1, via_nginx(forged, real)) == real


@pytest.mark.parametrize("forged", [None, *FORGED])
def test_behind_two_proxies_the_client_is_second_from_the_right(forged):
    assert address_of(2, via_nginx(forged) + ", 10.0.0.9") == CLIENT


def test_an_ipv6_client_is_written_the_one_standard_way():
    assert address_of(1, "2001:DB8:0:0:0:0:0:5") == "2001:db8::5"


def test_with_no_proxy_the_header_is_ignored():
    assert address_of(0, "198.51.100.7", remote="192.0.2.10") == "192.0.2.10"


@pytest.mark.parametrize("count, forwarded", [
    (1, None),  # no header at all: the app was reached around the proxy
    (1, ""),
    (2, CLIENT),  # fewer entries than proxies
    (3, f"{CLIENT}, 10.0.0.9"),
    (1, '9.9.8.7, "'),  # the client's entry is where the proxy's should be, and it is malformed
    (2, '9.9.8.7, ", 10.0.0.9'),
    (2, "9.9.8.7, , 10.0.0.9"),
    (2, "9.9.8.7,10.0.0.9 garbage, 10.0.0.9"),
    (2, "[2001:db8::9]:443, 10.0.0.9"),
    (2, "203.0.113.5:8080, 10.0.0.9"),
    (2, "fe80::1%eth0, 10.0.0.9"),  # an IPv6 zone: no address for the lockout or the trail
])
def test_a_header_the_proxies_cannot_have_made_gives_the_proxys_own_address_and_a_warning(count, forwarded, caplog):
    with caplog.at_level(logging.WARNING, logger="core.client"):
        assert address_of(count, forwarded) == PROXY
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "X-Forwarded-For" in message and PROXY in message
    assert "9.9.8.7" not in message and "203.0.113.5" not in message  # the client's text stays out of the log


def test_a_well_formed_header_logs_nothing(caplog):
    with caplog.at_level(logging.WARNING, logger="core.client"):
        address_of(1, via_nginx('9.9.8.7, "'))
    assert caplog.records == []


# --- The sign-in lockout ------------------------------------------------------------------------


def test_with_no_proxy_a_forged_header_changes_nothing(client, account):
    for n in range(5):  # a new forged address on every try
        attempt(client, "wrong-password", remote="192.0.2.10", forwarded=f"198.51.100.{n}")
    response = attempt(client, PASSWORD, remote="192.0.2.10", forwarded="203.0.113.99")
    assert response.status_code == 429


def test_with_no_proxy_another_connection_can_still_sign_in(client, account):
    fail_five_times(client, remote="192.0.2.10")
    assert attempt(client, PASSWORD, remote="192.0.2.10").status_code == 429
    assert attempt(client, PASSWORD, remote="192.0.2.11").status_code == 302


@pytest.mark.parametrize("real", [CLIENT, "2001:db8::5"])
def test_twelve_wrong_passwords_under_forged_headers_still_lock_the_client_out(client, account, real):
    with behind_proxies(1):
        for forged in FORGED[:12]:  # a different forged header on every try
            assert attempt(client, "wrong-password", forwarded=via_nginx(forged, real)).status_code in (200, 429)
        assert attempt(client, PASSWORD, forwarded=via_nginx('9.9.8.7, "', real)).status_code == 429
        assert attempt(client, PASSWORD, forwarded=via_nginx(None, real)).status_code == 429
        # Someone elsewhere still signs in to the same account.
        assert attempt(client, PASSWORD, forwarded=via_nginx(None, "198.51.100.7")).status_code == 302


@pytest.mark.parametrize("forged", ["127.0.0.9", '127.0.0.9, "', " 127.0.0.9 ", '"127.0.0.9"', "127.0.0.9,"])
def test_failures_claiming_another_address_do_not_lock_the_person_really_there(client, account, forged):
    with behind_proxies(1):
        fail_five_times(client, forwarded=via_nginx(forged, CLIENT))
        assert attempt(client, PASSWORD, forwarded=via_nginx(forged, CLIENT)).status_code == 429
        assert attempt(client, PASSWORD, forwarded=via_nginx(None, "127.0.0.9")).status_code == 302


def test_with_too_few_entries_failures_count_against_the_proxys_address(client, account):
    with behind_proxies(2):  # one proxy too many configured: only nginx's entry arrives
        for n in range(5):
            attempt(client, "wrong-password", forwarded=f"198.51.100.{n}")
        # Not skipped over: the failures were counted, at the proxy's own address.
        assert attempt(client, PASSWORD, forwarded="198.51.100.99").status_code == 429
        assert attempt(client, PASSWORD, forwarded=f"{CLIENT}, 10.0.0.9").status_code == 302


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


# --- The audit trail ------------------------------------------------------------------------------


def change_patient_in_admin(client, patient, **extra):
    return client.post(f"/admin/core/patient/{patient.pk}/change/", {
        "can_become_pregnant": "on", "target_low_mg_per_kg": 120, "target_high_mg_per_kg": 150,
    }, **extra)


def audited_addresses(client, count: int, forwarded: str, remote: str = PROXY) -> tuple[set, set]:
    """A clinician changes their patient in the admin; the addresses on the trail's update and access rows."""
    doctor = ClinicianFactory()
    patient = PatientFactory()
    patient.clinicians.add(doctor)
    client.force_login(doctor)
    with behind_proxies(count):
        response = change_patient_in_admin(client, patient, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 302
    trail = LogEntry.objects.get_for_object(patient).filter(actor=doctor)  # not the set-up above
    return ({e.remote_addr for e in trail.filter(action=LogEntry.Action.UPDATE)},
            {e.remote_addr for e in trail.filter(action=LogEntry.Action.ACCESS)})


@pytest.mark.parametrize("count, forwarded, recorded", [
    (0, "6.6.6.6", "192.0.2.44"),  # no proxy: the header is anyone's word, the connection counts
    (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # one proxy: what it appended, not what the client wrote
])
def test_the_audit_trail_records_the_clients_address(client, count, forwarded, recorded):
    remote = "192.0.2.44" if count == 0 else PROXY
    assert audited_addresses(client, count, forwarded, remote) == ({recorded}, {recorded})


@pytest.mark.parametrize("forged", FORGED)
@pytest.mark.parametrize("real", [CLIENT, "2001:db8::5"])
def test_a_forged_header_does_not_change_the_audited_address(client, forged, real):
    assert audited_addresses(client, 1, via_nginx(forged, real)) == ({real}, {real})


def test_with_too_few_entries_the_trail_records_the_proxys_address(client):
    assert audited_addresses(client, 2, CLIENT) == ({PROXY}, {PROXY})


# --- Settings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [-1, 6])
def test_a_proxy_count_out_of_range_stops_start_up(count):
    with pytest.raises(ImproperlyConfigured):
        proxy_count(count)


def test_proxy_count_is_read_from_the_environment_and_axes_asks_the_same_function():
    env = {**os.environ, "PROXY_COUNT": "1", "SECRET_KEY": "x" * 60}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='isodiary.settings';"
         " django.setup(); from django.conf import settings as s;"
         " print(s.PROXY_COUNT, s.AXES_CLIENT_IP_CALLABLE)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 core.client.client_address"


# --- Through gunicorn, as the README's nginx passes the header on ---------------------------------------


@pytest.mark.server
def test_through_a_real_server_forged_headers_neither_escape_the_lockout_nor_cause_one():
    with running_server(workers=2, env={"PROXY_COUNT": "1"}) as server, \
            httpx.Client(base_url=server.url, timeout=30) as browser:
        token = csrf_token(browser.get("/accounts/login/").text)

        def attempt_as(password: str, forwarded: str) -> int:
            # Spaces at the ends of a header value are not sent (HTTP trims them; so does nginx).
            return browser.post("/accounts/login/", headers={"X-Forwarded-For": forwarded.strip()}, data={
                "username": "racer", "password": password, "csrfmiddlewaretoken": token}).status_code

        for forged in FORGED[:12]:
            assert attempt_as("wrong-password", via_nginx(forged)) in (200, 429)
        attempts = server.query("SELECT ip_address, failures_since_start FROM axes_accessattempt")
        assert [(str(address), failures) for address, failures in attempts] == [(CLIENT, 12)]
        assert attempt_as(SERVER_PASSWORD, via_nginx('9.9.8.7, "')) == 429
        # The forged addresses locked nobody out: the person really at one of them signs in.
        assert attempt_as(SERVER_PASSWORD, via_nginx(None, "127.0.0.9")) == 302
