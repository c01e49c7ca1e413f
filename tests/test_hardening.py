"""Production settings, login lockout and session lengths."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tests.factories import PASSWORD, ClinicianFactory

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "p" * 20 + "x9!Qz" * 10, "ALLOWED_HOSTS": "isodiary.example.org"}


def run(args: list[str], **env) -> subprocess.CompletedProcess:
    dropped = ("DJANGO_SETTINGS_MODULE", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE", "TRUST_X_FORWARDED_PROTO", "SECRET_KEY",
               "DEBUG")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def production_settings(**env) -> dict:
    code = (
        "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'isodiary.settings'; django.setup();"
        "from django.conf import settings as s; from django.db import connection;"
        "print(json.dumps({k: getattr(s, k, None) for k in ['SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_SECURE',"
        "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT']}"
        " | {'db': s.DATABASES['default'], 'journal': connection.cursor().execute('PRAGMA journal_mode').fetchone()[0]"
        " if connection.vendor == 'sqlite' else None}, default=str))"
    )
    result = run(["-c", code], **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_reports_nothing_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_hsts_and_proxy_header():
    s = production_settings()
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production_settings(TRUST_X_FORWARDED_PROTO="0")["SECURE_PROXY_SSL_HEADER"] is None


def test_sqlite_is_configured_for_a_web_server(tmp_path):
    s = production_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert s["journal"] == "wal"
    assert s["db"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert s["db"]["OPTIONS"]["timeout"] >= 5


def test_postgres_urls_keep_and_check_connections():
    s = production_settings(DATABASE_URL="postgres://u:p@db.internal:5432/isodiary")
    assert s["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert s["db"]["CONN_MAX_AGE"] == 60 and s["db"]["CONN_HEALTH_CHECKS"] is True


# --- Login lockout ------------------------------------------------------------------------------

def _fail(client, username):
    return client.post("/accounts/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")


@pytest.mark.django_db
def test_five_failures_lock_that_username_from_that_address(client, patient):
    for _ in range(4):
        assert _fail(client, "pat").status_code == 200
    locked = _fail(client, "pat")
    assert locked.status_code == 429
    assert "15 minutes" in locked.content.decode()
    right = client.post("/accounts/login/", {"username": "pat", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert right.status_code == 429
    # Another address is not locked out of the same account.
    other = client.post("/accounts/login/", {"username": "pat", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_15_minutes(client, patient):
    for _ in range(5):
        _fail(client, "pat")
    right = {"username": "pat", "password": PASSWORD}
    assert client.post("/accounts/login/", right, REMOTE_ADDR="10.0.0.1").status_code == 429
    # Sixteen minutes pass.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert client.post("/accounts/login/", right, REMOTE_ADDR="10.0.0.1").status_code == 302


@pytest.mark.django_db
def test_a_lockout_does_not_reveal_whether_the_username_exists(client, patient):
    for _ in range(5):
        known = _fail(client, "pat")
        unknown = _fail(client, "nobody-here")
    assert known.status_code == unknown.status_code == 429
    assert known.content.decode() == unknown.content.decode()


# --- Session lengths ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_patient_sessions_last_14_days(patient_client):
    patient_client.get("/")
    assert patient_client.session.get_expiry_age() == 14 * 24 * 3600


@pytest.mark.django_db
def test_staff_sessions_end_after_30_idle_minutes(client):
    client.force_login(ClinicianFactory())
    client.get("/admin/")
    assert client.session.get_expiry_age() == 30 * 60
    later = timezone.now() + timedelta(minutes=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get("/admin/").status_code == 302
