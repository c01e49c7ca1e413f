from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from core.models import Patient
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

SIGNUP = {"username": "newpat", "email": "new@example.com", "password1": "a-Long-pass-phrase-77",
          "password2": "a-Long-pass-phrase-77"}


def test_signup_creates_a_signed_in_patient(client):
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(username="newpat")
    assert not user.is_staff
    assert Patient.objects.filter(user=user).exists()
    # The diary works straight away, with an empty profile.
    assert client.get("/diary/new/").status_code == 200


@pytest.mark.parametrize("password", ["123456789012", "password", "newpat123", "short"])
def test_signup_applies_the_password_validators(client, password):
    response = client.post("/accounts/signup/", {**SIGNUP, "password1": password, "password2": password})
    assert response.status_code == 400
    assert not User.objects.filter(username="newpat").exists()


def test_signup_refuses_a_duplicate_username(client):
    UserFactory(username="newpat", email="someone@example.com")
    assert client.post("/accounts/signup/", SIGNUP).status_code == 400


def test_login_and_logout(client, patient):
    response = client.post("/accounts/login/", {"username": "pat", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/diary/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # logout is POST only
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/diary/").status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, patient):
    response = client.post("/accounts/login/", {"username": "pat", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_password_reset_sends_an_email(client, patient):
    response = client.post("/accounts/password_reset/", {"email": patient.user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_change(patient_client, patient):
    response = patient_client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "another-Long-phrase-42",
         "new_password2": "another-Long-phrase-42"},
    )
    assert response.status_code == 302
    patient.user.refresh_from_db()
    assert patient.user.check_password("another-Long-phrase-42")


PROFILE = {"display_name": "Pat", "time_zone": "Europe/London", "course_start": "2026-01-05", "daily_dose_mg": "40",
           "weight": "61.5", "weight_unit": "kg"}


def test_profile_saves_every_field(patient_client, patient):
    assert patient_client.post("/accounts/profile/", PROFILE).status_code == 302
    patient.refresh_from_db()
    assert (patient.display_name, patient.time_zone) == ("Pat", "Europe/London")
    assert str(patient.course_start) == "2026-01-05"
    assert (patient.daily_dose_mg, patient.weight_kg) == (40, Decimal("61.5"))


def test_profile_weight_is_optional(patient_client, patient):
    assert patient_client.post("/accounts/profile/", {**PROFILE, "weight": ""}).status_code == 302
    patient.refresh_from_db()
    assert patient.weight_kg is None


@pytest.mark.parametrize(
    "field, value, ok",
    [("daily_dose_mg", "0", True), ("daily_dose_mg", "200", True), ("daily_dose_mg", "201", False),
     ("daily_dose_mg", "-1", False), ("weight", "20", True), ("weight", "19.9", False),
     ("weight", "300", True), ("weight", "300.1", False), ("weight", "heavy", False), ("weight_unit", "st", False),
     ("time_zone", "Mars/Olympus", False), ("course_start", "2026-02-30", False)],
)
def test_profile_validation(patient_client, field, value, ok):
    response = patient_client.post("/accounts/profile/", {**PROFILE, field: value})
    assert (response.status_code == 302) is ok
    if not ok:
        assert response.status_code == 400


def test_profile_default_time_zone_comes_from_settings(settings):
    settings.TIME_ZONE = "Europe/Paris"
    assert Patient.objects.create(user=UserFactory()).time_zone == "Europe/Paris"


def test_a_patient_without_a_profile_gets_a_clear_page_and_nothing_is_written(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = UserFactory(username="noprofile")
    client.force_login(user)
    Patient.objects.filter(user=user).delete()  # e.g. signed in before profiles were made at sign-in
    for url in ["/", "/diary/", "/diary/new/", "/pregnancy/", "/accounts/profile/", "/accounts/export.json"]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 404, url
        assert "This account has no diary yet. Sign out and sign in again to start one." in response.content.decode()
        writes = [q["sql"] for q in ctx.captured_queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
        assert writes == [], url
    assert not Patient.objects.filter(user=user).exists()


def test_an_account_made_outside_signup_gets_its_diary_at_sign_in(client):
    user = User.objects.create_user("byadmin", "byadmin@example.com", PASSWORD)  # as the admin's "Add user"
    assert not Patient.objects.filter(user=user).exists()
    client.post("/accounts/login/", {"username": "byadmin", "password": PASSWORD})
    assert Patient.objects.filter(user=user).exists()
    assert client.get("/diary/new/").status_code == 200


def test_a_staff_sign_in_makes_no_diary(client):
    staff = User.objects.create_user("staffer", "staffer@example.com", PASSWORD, is_staff=True)
    client.force_login(staff)
    assert not Patient.objects.filter(user=staff).exists()
    response = client.get("/diary/")
    assert response.status_code == 404
    assert "Staff accounts have no diary." in response.content.decode()
