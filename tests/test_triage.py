"""The alert queue opens on what needs a clinician: one row per open episode, urgent first."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import services
from core.models import Alert
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor(db):
    return ClinicianFactory(username="dr_a")


@pytest.fixture
def doctor_client(client, doctor):
    client.force_login(doctor)
    return client


def patient_of(doctor, username):
    patient = PatientFactory(user__username=username)
    patient.clinicians.add(doctor)
    return patient


def log(patient, days_ago, **values):
    services.entry_save(entry=EntryFactory.build(patient=patient, date=patient.today() - timedelta(days=days_ago),
                                                 **values))


def rows(client, url="/admin/core/alert/"):
    response = client.get(url)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_ten_days_of_the_same_finding_are_one_row(doctor_client, doctor):
    patient = patient_of(doctor, "lips")
    for back in range(9, -1, -1):
        if back != 4:  # a day not logged does not end it
            log(patient, back, lip_dryness=7 + back % 3, sun_minutes=0)
    [row] = rows(doctor_client)
    assert (row.rule_code, row.first_day, row.last_day, row.days) == (
        "dryness-persistent", patient.today() - timedelta(days=9), patient.today(), 9)
    assert row.worst == "Lip dryness 9"
    page = doctor_client.get("/admin/core/alert/").content.decode()
    for column in ("First day", "Last day", "Days", "Latest value", "Clinician e-mailed", "Status"):
        assert column in page


def test_urgent_first_then_the_oldest_and_acknowledged_ones_leave(doctor_client, doctor):
    first, second = patient_of(doctor, "first"), patient_of(doctor, "second")
    # first's warnings for the clinician: three dry days in a row (dryness-persistent); low mood is
    # urgent since issue 19, and one dry day is for the patient only (issue 23).
    for back in (7, 6, 5):
        log(first, back, lip_dryness=8)
    log(second, 2, symptoms=["hearing"])
    log(first, 4)  # ends days 7-5: the next dry days are another episode
    for back in (3, 2, 1):
        log(first, back, lip_dryness=8)
    log(second, 0, sunburn="blistering")
    assert [(a.patient.user.username, a.rule_code, a.first_day) for a in rows(doctor_client)] == [
        ("second", "red-flag", second.today() - timedelta(days=2)),
        ("second", "sunburn-blistering", second.today()),
        ("first", "dryness-persistent", first.today() - timedelta(days=7)),
        ("first", "dryness-persistent", first.today() - timedelta(days=3))]
    Alert.objects.filter(rule_code="red-flag").update(acknowledged_at=first.user.date_joined, outcome="no_action")
    assert "red-flag" not in [a.rule_code for a in rows(doctor_client)]
    assert "red-flag" in [a.rule_code for a in rows(doctor_client, "/admin/core/alert/?acknowledged=yes")]


def test_a_clinician_sees_only_their_patients_episodes(doctor_client, doctor):
    log(patient_of(doctor, "mine"), 0, lip_dryness=8)
    log(patient_of(ClinicianFactory(username="dr_b"), "theirs"), 0, symptoms=["jaundice"])
    log(PatientFactory(user__username="nobodys"), 0, sunburn="blistering")
    assert [a.patient.user.username for a in rows(doctor_client, "/admin/core/alert/?acknowledged=all")] == ["mine"]
    theirs = Alert.objects.get(patient__user__username="theirs")
    assert doctor_client.get(f"/admin/core/alert/{theirs.pk}/change/").status_code == 404


def test_the_patient_list_sorts_by_needs_attention(doctor_client, doctor):
    calm, warned, urgent = (patient_of(doctor, name) for name in ("a_calm", "b_warned", "c_urgent"))
    log(calm, 0, lip_dryness=2)
    for back in (2, 1, 0):  # a warning for the clinician: three dry days in a row (dryness-persistent)
        log(warned, back, lip_dryness=8)
    log(urgent, 0, symptoms=["jaundice"])
    response = doctor_client.get("/admin/core/patient/?o=5")
    assert [p.user.username for p in response.context["cl"].result_list] == ["c_urgent", "b_warned", "a_calm"]
    assert "needs attention" in response.content.decode().lower()


def test_the_patient_list_opens_sorted_by_needs_attention(doctor_client, doctor):
    calm, warned_later, warned_first, urgent = (
        patient_of(doctor, name) for name in ("a_calm", "b_warned_later", "c_warned_first", "d_urgent"))
    log(calm, 0, lip_dryness=2)
    for back in (3, 2, 1):  # a warning for the clinician: three dry days in a row (dryness-persistent)
        log(warned_first, back, lip_dryness=8)
    warning = Alert.objects.get(rule_code="dryness-persistent")
    Alert.objects.filter(patient=warned_first).update(created_at=warning.created_at - timedelta(hours=2))
    for back in (2, 1, 0):
        log(warned_later, back, lip_dryness=8)
    log(urgent, 0, symptoms=["jaundice"])
    response = doctor_client.get("/admin/core/patient/")
    assert [p.user.username for p in response.context["cl"].result_list] == [
        "d_urgent", "c_warned_first", "b_warned_later", "a_calm"]
    # Other lists filtered by patient still list their patients (by the model's own order).
    for url in ("/admin/core/diaryentry/", "/admin/core/alert/"):
        assert doctor_client.get(url).status_code == 200


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/admin/core/alert/", "/admin/core/patient/?o=5"])
def test_the_lists_cost_the_same_queries_for_3_and_12_patients(doctor_client, doctor, url):
    def add(n):
        for i in range(n):
            patient = patient_of(doctor, f"p{url[13:16]}{n}_{i}")
            log(patient, 1, symptoms=["jaundice"])
            log(patient, 0, mood=2)

    add(3)
    doctor_client.get(url)  # the first request after login renews the staff session: a write, once
    small = _queries(doctor_client, url)
    add(9)
    assert _queries(doctor_client, url) == small


@pytest.mark.parametrize("url, action", [("/admin/core/alert/", "acknowledge"),
                                         ("/admin/core/patient/", "export_entries_csv")])
def test_an_action_on_ids_that_are_not_ids_is_a_400(doctor_client, doctor, url, action):
    patient = patient_of(doctor, "mine")
    log(patient, 0, symptoms=["jaundice"])
    doctor_client.get(url)  # the first request after login renews the staff session
    response = doctor_client.post(url, {"action": action, "_selected_action": ["abc"], "index": "0"})
    assert response.status_code == 400
    assert "not a valid selection" in response.content.decode()
    assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()
