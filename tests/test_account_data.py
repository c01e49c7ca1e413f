"""A patient's own data: the JSON download, deleting the account, and their other sessions."""

import json
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.utils import timezone

from core import services
from core.export import exported_fields
from core.models import Alert, DiaryEntry, MoodCheck, Patient, PregnancyTest
from core.services import acknowledge
from tests.conftest import Client
from tests.factories import PASSWORD, ClinicianFactory

pytestmark = pytest.mark.django_db


def record(patient: Patient, days: int = 3) -> None:
    """A few weeks' worth of what a patient leaves behind: entries with notes (low mood raises
    alerts), a mood check and a pregnancy test."""
    today = patient.today()
    for n in range(days):
        services.entry_save(entry=DiaryEntry(
            patient=patient, date=today - timedelta(days=n), skin_dryness=4, lip_dryness=8, eye_dryness=2, mood=2,
            sun_minutes=10, notes=f"{patient.user.username} note {n}",
        ))
    services.mood_check_save(patient=patient, answers=[1, 1] + [None] * 7, on=today)
    services.pregnancy_test_save(test=PregnancyTest(patient=patient, date=today, result="negative"))


def export(client) -> dict:
    response = client.get("/accounts/export.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="isodiary-')
    return json.loads(response.content)


# --- Export -----------------------------------------------------------------------------------


def test_the_export_holds_everything_about_the_patient(patient_client, patient):
    patient.course_start = patient.today() - timedelta(days=40)
    patient.daily_dose_mg = 40
    patient.save()
    record(patient)
    doctor = ClinicianFactory(username="drexport", first_name="Ada", last_name="Lovelace")
    patient.clinicians.add(doctor)
    acknowledge(alerts=Alert.objects.filter(patient=patient), user=doctor, outcome="contacted",
                note="Called; advised eye drops.")

    data = export(patient_client)
    assert data["account"]["username"] == "pat"
    assert data["profile"]["display_name"] == patient.display_name
    assert data["profile"]["daily_dose_mg"] == 40
    assert data["profile"]["clinicians"] == ["Ada Lovelace"]
    assert [e["notes"] for e in data["entries"]] == ["pat note 2", "pat note 1", "pat note 0"]
    assert {e["lip_dryness"] for e in data["entries"]} == {8}
    assert len(data["alerts"]) == Alert.objects.filter(patient=patient).count() > 0
    # A single day of high dryness is for the patient only (issue 23): not acknowledged by anyone.
    reviewed = [a for a in data["alerts"] if a["notify"] != "patient"]
    assert {a["acknowledged_by"] for a in data["alerts"] if a["notify"] == "patient"} <= {None}
    assert {a["acknowledged_by"] for a in reviewed} == {"Ada Lovelace"}
    assert all(a["acknowledged_at"] for a in reviewed)
    assert {a["outcome"] for a in reviewed} == {"contacted"}
    assert all(a["first_day"] and a["last_day"] and a["days"] >= 1 for a in data["alerts"])
    assert len(data["mood_checks"]) == 1 and data["mood_checks"][0]["total"] == 2
    assert data["pregnancy_tests"][0]["result"] == "negative"
    assert data["two_factor"] is False


def test_the_export_exports_every_stored_alert_field_but_the_clinics_own():
    # A field added to Alert later is in the export without a change to it; the clinic's are named.
    names = {f.name for f in exported_fields(Alert)}
    clinic_private = {"note", "email_queued_at", "emailed_at", "escalated_at"}
    assert names == {f.name for f in Alert._meta.concrete_fields} - {"id", "patient"} - clinic_private
    assert {"outcome", "acknowledged_at", "acknowledged_by"} <= names


def test_the_clinicians_private_note_is_never_in_the_export(patient_client, patient):
    record(patient)
    doctor = ClinicianFactory(username="drnote", first_name="Grace", last_name="Hopper")
    patient.clinicians.add(doctor)
    acknowledge(alerts=Alert.objects.filter(patient=patient), user=doctor, outcome="no_action",
                note="Private: seems anxious.")
    Alert.objects.filter(patient=patient).update(email_queued_at=timezone.now(), emailed_at=timezone.now())
    body = patient_client.get("/accounts/export.json").content.decode()
    assert "Private: seems anxious." not in body
    alert = json.loads(body)["alerts"][0]
    assert "note" not in alert and "email_queued_at" not in alert and "emailed_at" not in alert
    assert alert["outcome"] == "no_action" and alert["acknowledged_at"]
    assert "drnote" not in body  # the clinician's username is the clinic's, not the patient's


def test_another_patients_data_is_never_in_the_export(patient_client, patient, other_patient):
    record(patient)
    record(other_patient)
    body = patient_client.get("/accounts/export.json").content.decode()
    assert "pat note" in body
    assert "other note" not in body and '"other"' not in body
    assert len(json.loads(body)["entries"]) == 3


@pytest.mark.parametrize("days", [2, 12])
def test_the_export_reads_a_fixed_number_of_queries(patient_client, patient, days, django_assert_num_queries):
    record(patient, days)
    # session, user; the profile's clinicians, two-factor device; seven record lists (push subscriptions too)
    with django_assert_num_queries(11):
        patient_client.get("/accounts/export.json")


def test_the_export_is_for_signed_in_patients_only(client, clinician):
    assert client.get("/accounts/export.json")["Location"].startswith("/accounts/login/")
    client.force_login(clinician)
    assert client.get("/accounts/export.json").status_code == 404


# --- Deletion ---------------------------------------------------------------------------------


def test_a_wrong_password_deletes_nothing(patient_client, patient):
    record(patient)
    response = patient_client.post("/accounts/delete/", {"password": "not-my-password"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "That password is not right" in page and "Nothing was deleted" in page
    assert DiaryEntry.objects.filter(patient=patient).count() == 3
    assert patient_client.get("/").status_code == 200


def test_an_empty_post_deletes_nothing_and_says_why(patient_client, patient):
    record(patient)
    response = patient_client.post("/accounts/delete/", {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required" in page and "Nothing was deleted" in page
    assert DiaryEntry.objects.filter(patient=patient).count() == 3


def test_guessing_the_password_on_the_delete_page_is_locked_out_like_sign_in(patient_client, patient):
    record(patient)
    for _ in range(5):
        patient_client.post("/accounts/delete/", {"password": "guess"})
    response = patient_client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 429
    assert DiaryEntry.objects.filter(patient=patient).count() == 3


def test_the_right_password_deletes_the_account_and_all_its_data(patient_client, patient, other_patient):
    record(patient)
    record(other_patient)
    user_id = patient.user.pk
    response = patient_client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)
    assert "Your account and all its data are deleted" in response.content.decode()
    assert not get_user_model().objects.filter(pk=user_id).exists()
    for model in (Patient, DiaryEntry, Alert, MoodCheck, PregnancyTest):
        assert not model.objects.filter(**({"user_id": user_id} if model is Patient else {"patient_id": patient.pk}))
    assert DiaryEntry.objects.filter(patient=other_patient).count() == 3
    assert patient_client.get("/diary/")["Location"].startswith("/accounts/login/")


def their_clinician(patient: Patient):
    """The patient's clinician, signed in to the admin in a browser of their own."""
    doctor = ClinicianFactory()
    patient.clinicians.add(doctor)
    staff = Client()
    staff.force_login(doctor)
    return doctor, staff


def test_the_audit_trail_keeps_the_deletion_but_no_health_data(client, patient):
    record(patient)
    doctor, staff = their_clinician(patient)
    entry = DiaryEntry.objects.filter(patient=patient).first()
    staff.post(f"/admin/core/patient/{patient.pk}/change/",
               {"can_become_pregnant": "on", "target_low_mg_per_kg": 100, "target_high_mg_per_kg": 150})
    staff.get(f"/admin/core/diaryentry/{entry.pk}/change/")
    # Opening a pregnancy test or a mood check leaves an access row named after the record.
    services.pregnancy_test_save(test=PregnancyTest(patient=patient, date=patient.today() - timedelta(days=1),
                                                    result="positive"))
    for kind, model in (("pregnancytest", PregnancyTest), ("moodcheck", MoodCheck)):
        for obj in model.objects.filter(patient=patient):
            assert staff.get(f"/admin/core/{kind}/{obj.pk}/change/").status_code == 200
        assert staff.get(f"/admin/core/{kind}/").status_code == 200
    assert LogEntry.objects.filter(object_repr__contains="positive").exists()
    client.force_login(patient.user)
    client.post("/accounts/delete/", {"password": PASSWORD})

    deletion = LogEntry.objects.get(additional_data__event="account deleted by its owner")
    assert deletion.object_repr == "pat" and deletion.timestamp
    assert deletion.additional_data == {"event": "account deleted by its owner", "patient_id": patient.pk}
    trail = json.dumps([[e.object_repr, e.changes, e.changes_text, e.serialized_data, e.additional_data]
                        for e in LogEntry.objects.all()])
    assert "pat note" not in trail and "target_low_mg_per_kg" not in trail and "lip_dryness" not in trail
    assert "positive" not in trail and "negative" not in trail and "pregnancy_tests" not in trail
    # Who looked at the record, and when, is still there.
    assert LogEntry.objects.filter(actor=doctor, action=LogEntry.Action.ACCESS).exists()


def test_the_clinician_loses_the_patient_at_once(client, patient):
    record(patient)
    _, staff = their_clinician(patient)
    assert staff.get(f"/admin/core/patient/{patient.pk}/change/").status_code == 200
    client.force_login(patient.user)
    client.post("/accounts/delete/", {"password": PASSWORD})
    assert staff.get(f"/admin/core/patient/{patient.pk}/change/").status_code == 404
    assert list(staff.get("/admin/core/patient/").context["cl"].result_list) == []
    assert list(staff.get("/admin/core/alert/").context["cl"].result_list) == []


def test_staff_accounts_are_not_deleted_here(client, clinician):
    client.force_login(clinician)
    assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 404
    assert get_user_model().objects.filter(pk=clinician.pk).exists()


def test_the_profile_links_the_export_and_the_deletion(patient_client):
    page = patient_client.get("/accounts/profile/").content.decode()
    assert 'href="/accounts/export.json"' in page and 'href="/accounts/delete/"' in page


# --- Sessions ---------------------------------------------------------------------------------


def two_sessions(patient) -> tuple[Client, Client]:
    phone, laptop = Client(), Client()
    for device in (phone, laptop):
        assert device.post("/accounts/login/", {"username": "pat", "password": PASSWORD}).status_code == 302
        assert device.get("/diary/").status_code == 200
    return phone, laptop


def test_signing_out_everywhere_else_ends_the_other_sessions_only(patient):
    phone, laptop = two_sessions(patient)
    response = laptop.post("/accounts/sessions/sign-out-others/", {"password": PASSWORD})
    assert response.status_code == 302
    assert laptop.get("/diary/").status_code == 200
    assert phone.get("/diary/")["Location"].startswith("/accounts/login/")
    assert phone.post("/accounts/login/", {"username": "pat", "password": PASSWORD}).status_code == 302


def test_signing_out_everywhere_else_needs_the_password(patient):
    phone, laptop = two_sessions(patient)
    assert laptop.post("/accounts/sessions/sign-out-others/", {"password": "guess"}).status_code == 400
    assert phone.get("/diary/").status_code == 200


def test_an_empty_post_signs_nobody_out_and_says_why(patient):
    phone, laptop = two_sessions(patient)
    response = laptop.post("/accounts/sessions/sign-out-others/", {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required" in page and "Nobody was signed out" in page
    assert phone.get("/diary/").status_code == 200


def test_changing_the_password_ends_the_other_sessions(patient):
    phone, laptop = two_sessions(patient)
    response = laptop.post("/accounts/password_change/", {
        "old_password": PASSWORD, "new_password1": "a-New-long-pass-42", "new_password2": "a-New-long-pass-42",
    })
    assert response.status_code == 302
    assert laptop.get("/diary/").status_code == 200
    assert phone.get("/diary/")["Location"].startswith("/accounts/login/")


def test_an_anonymous_visitor_cannot_sign_anyone_out(client, patient):
    response = client.post("/accounts/sessions/sign-out-others/", {"password": PASSWORD})
    assert response["Location"].startswith("/accounts/login/")


def test_a_patients_other_sessions_are_not_anyone_elses(patient, other_patient):
    phone, _ = two_sessions(patient)
    stranger = Client()
    stranger.force_login(other_patient.user)
    stranger.post("/accounts/sessions/sign-out-others/", {"password": PASSWORD})
    assert phone.get("/diary/").status_code == 200

