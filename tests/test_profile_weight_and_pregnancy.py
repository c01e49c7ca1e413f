"""Issue 19, items 4 and 9: the weight in pounds or kilograms, from the profile to the dose per
kilogram; and "I can become pregnant", the patient's own setting until a clinician is assigned."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from core.models import Patient
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db
PROFILE = {"display_name": "Pat", "time_zone": "UTC", "course_start": "2026-01-05", "daily_dose_mg": "40"}


def saved(client, **fields) -> Patient:
    response = client.post("/accounts/profile/", {**PROFILE, **fields})
    assert response.status_code == 302, response.content.decode()
    return Patient.objects.get(user__username="pat")


def error_of(response) -> str:
    assert response.status_code == 400
    return " ".join(re.findall(r'class="invalid-feedback">\s*<p[^>]*><strong>([^<]+)', response.content.decode()))


# --- Weight -------------------------------------------------------------------------------------


def test_new_patients_start_in_pounds():
    assert PatientFactory().weight_unit == "lb"
    assert Patient.objects.create(user=UserFactory()).weight_unit == "lb"


def test_the_profile_form_offers_pounds_and_kilograms_with_pounds_checked_for_a_new_patient(patient_client):
    page = patient_client.get("/accounts/profile/").content.decode()
    assert 'name="weight"' in page and 'name="weight_kg"' not in page
    assert re.search(r'name="weight_unit" value="lb"[^>]*checked', page)
    assert 'name="weight_unit" value="kg"' in page


def test_a_weight_in_pounds_is_stored_in_kilograms_and_shown_back_in_pounds(patient_client):
    patient = saved(patient_client, weight="150", weight_unit="lb")
    assert patient.weight_kg == Decimal("68.04")  # 150 × 0.45359237 kg
    page = patient_client.get("/accounts/profile/").content.decode()
    assert re.search(r'name="weight" value="150(\.0)?"', page)


def test_a_weight_in_kilograms_is_stored_as_typed(patient_client):
    patient = saved(patient_client, weight="61.5", weight_unit="kg")
    assert (patient.weight_kg, patient.weight_unit) == (Decimal("61.5"), "kg")
    assert 'name="weight" value="61.5"' in patient_client.get("/accounts/profile/").content.decode()


@pytest.mark.parametrize("weight, unit, ok", [
    ("45", "lb", True), ("44.9", "lb", False), ("660", "lb", True), ("660.1", "lb", False),
    ("20", "kg", True), ("19.9", "kg", False), ("300", "kg", True), ("300.1", "kg", False),
    ("150", "kg", True), ("25", "lb", False),
])
def test_the_weight_range_follows_the_unit(patient_client, patient, weight, unit, ok):
    patient.weight_kg = Decimal("70")
    patient.save()
    response = patient_client.post("/accounts/profile/", {**PROFILE, "weight": weight, "weight_unit": unit})
    patient.refresh_from_db()
    if ok:
        assert response.status_code == 302
    else:
        low, high = (45, 660) if unit == "lb" else (20, 300)
        assert error_of(response) == f"Enter a weight from {low} to {high} {unit}, or leave it empty."
        assert patient.weight_kg == Decimal("70")  # nothing lost, nothing half-saved


def test_an_unknown_unit_is_a_clear_400(patient_client, patient):
    response = patient_client.post("/accounts/profile/", {**PROFILE, "weight": "150", "weight_unit": "st"})
    assert "Select a valid choice" in error_of(response)


@pytest.mark.parametrize("weight, unit, mg_per_kg", [("110.2", "lb", "60.0"), ("50", "kg", "60.0")])
def test_pounds_and_kilograms_give_the_same_dose_per_kilogram(patient_client, patient, weight, unit, mg_per_kg):
    # 110.2 lb is 49.99 kg: 3,000 mg over the course is 60.0 mg/kg either way, not 2.2 times less.
    patient = saved(patient_client, weight=weight, weight_unit=unit, course_start=(
        patient.today() - timedelta(days=59)).isoformat())
    for back in range(60):
        EntryFactory(patient=patient, date=patient.today() - timedelta(days=back), dose_mg=50)
    page = patient_client.get("/").content.decode()
    assert f'data-mg-per-kg="{mg_per_kg}"' in page
    shown = re.search(r'data-weight-kg="[^"]*">([^<]+)<', page).group(1)
    assert shown == ("110.2 lb (49.99 kg)" if unit == "lb" else "50 kg")


def test_the_clinician_sees_kilograms_and_the_patients_unit(client, patient):
    clinician = ClinicianFactory()
    patient.clinicians.add(clinician)
    patient.weight_kg, patient.weight_unit, patient.course_start = Decimal("68.04"), "lb", patient.today()
    patient.save()
    client.force_login(clinician)
    page = client.get(f"/admin/core/patient/{patient.pk}/change/").content.decode()
    assert "150 lb (68.04 kg)" in page
    summary = client.get(f"/admin/core/patient/{patient.pk}/summary/").content.decode()
    assert "Weight 68.04 kg (the patient gives it in lb: 150 lb)." in summary


def test_existing_rows_keep_kilograms_through_the_migration(transactional_db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("core", "0012_rate_counts")], [("core", "0013_weight_unit")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="before")
    old.get_model("core", "Patient").objects.create(user=user, time_zone="UTC", weight_kg=Decimal("61.5"))
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    patient = Patient.objects.get(user__username="before")
    assert (patient.weight_kg, patient.weight_unit) == (Decimal("61.5"), "kg")


# --- "I can become pregnant" ----------------------------------------------------------------------


def test_a_patient_without_a_clinician_turns_on_pregnancy_tracking_and_gets_the_calendar(patient_client):
    page = patient_client.get("/pregnancy/").content.decode()
    assert "data-set-in-profile" in page and 'name="result"' not in page
    assert saved(patient_client, can_become_pregnant="on").can_become_pregnant
    page = patient_client.get("/pregnancy/").content.decode()
    assert "data-next-test" in page and 'name="result"' in page
    assert "data-next-test" in patient_client.get("/").content.decode()
    assert not saved(patient_client).can_become_pregnant  # and off again


def test_a_patient_with_a_clinician_sees_their_setting_and_cannot_change_it(patient_client, patient):
    clinician = ClinicianFactory(first_name="Dana", last_name="Reyes")
    patient.clinicians.add(clinician)
    page = patient_client.get("/accounts/profile/").content.decode()
    assert re.search(r'name="can_become_pregnant"[^>]*disabled', page)
    assert "Set by your clinician (Dana Reyes)." in page
    assert not saved(patient_client, can_become_pregnant="on").can_become_pregnant  # a crafted POST
    page = patient_client.get("/pregnancy/").content.decode()
    assert "has not marked you" in page and "data-set-in-profile" not in page

    Patient.objects.filter(pk=patient.pk).update(can_become_pregnant=True)  # the clinician's setting
    assert saved(patient_client).can_become_pregnant  # the unticked box a browser sends changes nothing
    page = patient_client.get("/accounts/profile/").content.decode()
    assert re.search(r'name="can_become_pregnant"[^>]*checked', page)


def test_another_patients_clinician_does_not_lock_the_setting(patient_client, other_patient):
    other_patient.clinicians.add(ClinicianFactory())
    assert saved(patient_client, can_become_pregnant="on").can_become_pregnant
