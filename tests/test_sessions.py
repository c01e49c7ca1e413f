"""Sessions (core.sessions): Django's database sessions with a plain-SQL read."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends import db as django_db
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_reads_back_what_was_saved():
    store = SessionStore()
    store["_auth_user_id"] = "42"
    store["mood"] = "not health data, a test"
    store.save()
    again = SessionStore(session_key=store.session_key)
    assert again["_auth_user_id"] == "42" and again["mood"] == "not health data, a test"


def test_it_reads_sessions_written_by_djangos_own_store():
    theirs = django_db.SessionStore()
    theirs["x"] = 1
    theirs.create()
    assert SessionStore(session_key=theirs.session_key)["x"] == 1


def test_an_expired_session_is_not_loaded_and_gets_a_new_key():
    store = SessionStore()
    store["_auth_user_id"] = "42"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    stale = SessionStore(session_key=store.session_key)
    assert stale.get("_auth_user_id") is None
    assert stale.session_key is None
    stale["y"] = 2
    stale.save()
    assert stale.session_key != store.session_key


def test_an_unknown_key_is_an_empty_session():
    assert dict(SessionStore(session_key="x" * 32).items()) == {}


def test_a_signed_in_client_stays_signed_in_and_signs_out(client, patient):
    client.force_login(patient.user)
    assert client.get("/diary/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/diary/").status_code == 302
