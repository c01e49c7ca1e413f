"""What an urgent finding tells the patient about their clinician: data-care-team."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import time_format

from core import notifications, services
from core.models import Alert
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory

pytestmark = pytest.mark.django_db


def care_team(page: str) -> list[tuple[str, str]]:
    return re.findall(r'data-warning="([^"]+)" data-severity="urgent" data-care-team="([^"]+)"', page)


@pytest.fixture
def flagged(patient):
    services.entry_save(entry=EntryFactory.build(patient=patient, date=patient.today(), symptoms=["jaundice"],
                                                 lip_dryness=9))
    return patient


def test_without_a_clinician_it_tells_the_patient_to_call_their_prescriber(patient_client, flagged):
    page = patient_client.get("/").content.decode()
    assert care_team(page) == [("red-flag", "none")]
    assert "Call your prescriber yourself" in page


def test_with_a_clinician_it_is_pending_then_notified_then_reviewed(patient_client, flagged):
    doctor = ClinicianFactory(username="dr_a")
    flagged.clinicians.add(doctor)
    page = patient_client.get("/").content.decode()
    assert care_team(page) == [("red-flag", "pending")]
    assert "will be e-mailed about this within a few minutes" in page

    notifications.run()
    page = patient_client.get("/").content.decode()
    assert care_team(page) == [("red-flag", "notified")]
    # When, in the patient's own time zone, written the US way ("1:08 p.m.").
    emailed = timezone.localtime(Alert.objects.get(rule_code="red-flag").emailed_at, flagged.tz)
    assert time_format(emailed, "TIME_FORMAT") in page

    Alert.objects.update(acknowledged_by=doctor, acknowledged_at=timezone.now(), outcome="contacted", note="secret")
    page = patient_client.get("/").content.decode()
    assert care_team(page) == [("red-flag", "reviewed")]
    assert "Your clinician reviewed this" in page and "secret" not in page and "Contacted" not in page
    entry_page = patient_client.get(f"/diary/{flagged.today()}/").content.decode()
    assert care_team(entry_page) == [("red-flag", "reviewed")]


def test_only_urgent_findings_carry_it(patient_client, flagged):
    page = patient_client.get("/").content.decode()
    warning = re.search(r'<section[^>]*data-warning="dryness-high"[^>]*>', page).group(0)
    assert "data-care-team" not in warning


def test_another_patients_status_is_not_shown(client, flagged):
    other = PatientFactory(user__username="someone")
    client.force_login(other.user)
    assert care_team(client.get("/").content.decode()) == []


def test_an_older_acknowledged_episode_does_not_mark_a_new_one_reviewed(patient_client, flagged):
    flagged.clinicians.add(ClinicianFactory(username="dr_b"))
    Alert.objects.update(acknowledged_at=timezone.now() - timedelta(hours=1), outcome="no_action")
    services.entry_save(entry=EntryFactory.build(patient=flagged, date=flagged.today() - timedelta(days=1),
                                                 symptoms=["hearing"]))
    assert Alert.objects.open().filter(rule_code="red-flag").exists()
    assert care_team(patient_client.get("/").content.decode()) == [("red-flag", "pending")]


def test_a_clinician_isodiary_cannot_email_is_not_promised_an_email(patient_client, flagged, settings):
    settings.ESCALATION_EMAIL = "clinic@example.org"
    flagged.clinicians.add(ClinicianFactory(username="dr_noemail", email=""))
    page = patient_client.get("/").content.decode()
    assert care_team(page) == [("red-flag", "none")]
    assert "will be e-mailed" not in page and "Call your prescriber yourself" in page

    notifications.run()  # the clinic inbox hears of it, the clinician does not
    page = patient_client.get("/").content.decode()
    assert care_team(page) == [("red-flag", "notified")]
    assert "The clinic was e-mailed about this" in page and "Your clinician was e-mailed" not in page


@pytest.mark.parametrize("change", [{"email": ""}, {"is_active": False}])
def test_the_page_follows_a_change_to_the_clinicians_address_or_account(patient_client, flagged, change):
    doctor = ClinicianFactory(username="dr_c")
    flagged.clinicians.add(doctor)
    assert care_team(patient_client.get("/").content.decode()) == [("red-flag", "pending")]
    for name, value in change.items():
        setattr(doctor, name, value)
    doctor.save()
    assert care_team(patient_client.get("/").content.decode()) == [("red-flag", "none")]
