"""Issue 20, item 4: odd numbers in the admin's query strings and selections are never a 500, and every
text cell of a CSV export is written so that a spreadsheet does not run it as a formula."""

import csv
import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models

from core.models import Patient
from tests.conftest import Client
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory, UserFactory

BEYOND_64_BITS = str(2**63)
HUGE = "99999999999999999999999"
ODD_NUMBERS = ["²", "٣", BEYOND_64_BITS, HUGE, f"-{HUGE}", f"1,{HUGE}", "9" * 5000]


@pytest.fixture
def doctor_client(db):
    """A clinician with one patient; the test client answers a crash as a 500 instead of raising."""
    doctor = ClinicianFactory(username="doc")
    patient = PatientFactory(user__username="pat")
    patient.clinicians.add(doctor)
    EntryFactory(patient=patient)
    client = Client(raise_request_exception=False)
    client.force_login(doctor)
    return client


@pytest.mark.parametrize("value", ODD_NUMBERS)
@pytest.mark.parametrize("url", [
    "/admin/core/diaryentry/?patient__id__exact={}",
    "/admin/core/moodcheck/?patient__id__exact={}",
    "/admin/core/pregnancytest/?patient__id__exact={}",
    "/admin/core/ruleoverride/?patient__id__exact={}",
    "/admin/core/patient/?clinician={}",
    "/admin/core/diaryentry/?patient={}",
    "/admin/core/alert/?patient={}",
    "/admin/core/diaryentry/?mood={}",
    "/admin/core/ruleoverride/?rule__id__exact={}",
])
def test_it_answers_400_to_odd_numbers_in_a_list_filter(doctor_client, url, value):
    response = doctor_client.get(url.format(value))
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/admin/core/diaryentry/?patient__id__exact=9223372036854775807",
                                 "/admin/core/patient/?clinician=9223372036854775807",
                                 "/admin/core/diaryentry/?patient__id__exact=0"])
def test_an_id_in_range_that_is_nobodys_gives_an_empty_list(doctor_client, url):
    response = doctor_client.get(url)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_the_filters_still_filter(doctor_client):
    patient = Patient.objects.get(user__username="pat")
    assert doctor_client.get(f"/admin/core/diaryentry/?patient__id__exact={patient.pk}").context["cl"].result_count == 1
    doctor = patient.clinicians.get()
    assert doctor_client.get(f"/admin/core/patient/?clinician={doctor.pk}").context["cl"].result_count == 1


@pytest.mark.parametrize("value", [*ODD_NUMBERS, "x", "-1"])
@pytest.mark.parametrize("page, action", [("patient", "export_entries_csv"), ("alert", "acknowledge")])
def test_an_action_on_an_odd_selection_is_a_400(doctor_client, page, action, value):
    response = doctor_client.post(f"/admin/core/{page}/", {"action": action, "_selected_action": value})
    assert response.status_code == 400
    assert b"not a valid selection" in response.content


@pytest.mark.parametrize("url", ["/admin/auth/user/?groups__id__exact={}", "/admin/auditlog/logentry/?actor={}",
                                 "/admin/post_office/log/?email={}", "/admin/post_office/emailtemplate/?email={}"])
@pytest.mark.parametrize("value", ["²", HUGE])
def test_every_admin_page_of_a_superuser_refuses_odd_numbers_too(db, url, value):
    """Other apps' admin pages (the audit trail, the mail queue) included: the admin site checks."""
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(url.format(value)).status_code == 400


@pytest.mark.parametrize("page", ["auth/user", "auth/group", "post_office/email", "post_office/log",
                                  "axes/accessattempt", "auditlog/logentry"])
@pytest.mark.parametrize("value", ["²", HUGE, "x"])
def test_every_admins_actions_refuse_an_odd_selection(db, page, value):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.post(f"/admin/{page}/", {"action": "delete_selected", "_selected_action": value})
    assert response.status_code == 400


def test_the_search_box_is_left_alone(doctor_client):
    assert doctor_client.get(f"/admin/core/patient/?q={HUGE}²").status_code == 200


def test_every_model_in_the_admin_has_a_whole_number_id():
    """The admin site takes only ASCII-digit ids in an action's selection: true of every model it shows."""
    shown = [model for model in apps.get_models() if admin.site.is_registered(model)]
    assert len(shown) > 10
    for model in shown:
        assert isinstance(model._meta.pk, models.AutoField | models.BigAutoField), model


# --- CSV: the formula guard on every text cell ---------------------------------------------------

FORMULA_NAMES = ["-1+1", "@A1", "=HYPERLINK(1)", "+1", "\tx", "\r=1"]


@pytest.mark.parametrize("username", FORMULA_NAMES)
def test_the_admin_csv_writes_a_formula_like_username_as_text(db, username):
    doctor = ClinicianFactory(username="doc")
    patient = PatientFactory(user__username=username, display_name="P")
    patient.clinicians.add(doctor)
    EntryFactory(patient=patient, notes="@SUM(1)")
    client = Client()
    client.force_login(doctor)
    response = client.post("/admin/core/patient/", {"action": "export_entries_csv", "_selected_action": [patient.pk]})
    row = next(csv.DictReader(io.StringIO(response.content.decode(), newline="")))
    assert row["patient"] == "'" + username
    assert row["notes"] == "'@SUM(1)"
    assert row["mood"] == "7"  # numbers as they are


def test_the_patients_own_csv_guards_every_text_cell(patient_client, patient):
    EntryFactory(patient=patient, notes="=1+1", mood=0)
    row = next(csv.DictReader(io.StringIO(patient_client.get("/diary/export.csv").content.decode(), newline="")))
    assert row["notes"] == "'=1+1"
    assert row["mood"] == "0" and row["sunburn"] == "none"
