"""Issue 19, item 5: a patient's days are their own. The dashboard and the clinician's admin count
"days logged" and "quiet 3+ days" by the patient's date, in their time zone, as their entries are
dated, not by the server's; and the times a patient reads are in their zone, written the US way.

The clock is set so that the server (UTC) is on a different date from the patient: at 11:00 UTC it
is already tomorrow at UTC+14 (Pacific/Kiritimati); at 09:00 UTC it is still yesterday at UTC−10
(Pacific/Honolulu)."""

import re
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from core import education, services
from core.models import Alert
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory

pytestmark = pytest.mark.django_db
SERVER_DAY = date(2026, 12, 7)
CASES = [
    # zone, the server's clock, the patient's date then
    pytest.param("Pacific/Kiritimati", datetime(2026, 12, 7, 11, 0, tzinfo=UTC), date(2026, 12, 8), id="UTC+14"),
    pytest.param("Pacific/Honolulu", datetime(2026, 12, 7, 9, 0, tzinfo=UTC), date(2026, 12, 6), id="UTC-10"),
]


def clock(now: datetime):
    return mock.patch("django.utils.timezone.now", return_value=now)


def days_logged_column(page: str, name: str) -> str:
    row = next(r for r in page.split("<tr") if f">{name}<" in r)
    return re.search(r'class="field-days_logged">(\d+)<', row).group(1)


@pytest.fixture
def doctor_client(client):
    doctor = ClinicianFactory()
    client.force_login(doctor)
    client.doctor = doctor
    return client


@pytest.mark.parametrize("zone, now, local_today", CASES)
def test_days_logged_count_the_patients_own_last_14_days(client, doctor_client, settings, zone, now, local_today):
    settings.TIME_ZONE = "UTC"  # a server whose day differs from the patient's: the point of this test
    assert timezone.localdate(now) == SERVER_DAY != local_today
    patient = PatientFactory(display_name="Kim", time_zone=zone)
    patient.clinicians.add(doctor_client.doctor)
    # The patient's today and the 14th day back from it: both in their 14 days. By the server's
    # date, one of the two falls outside (today at UTC+14 is the server's tomorrow; the 14th day
    # back at UTC−10 is the server's 15th).
    for day in (local_today, local_today - timedelta(days=13)):
        EntryFactory(patient=patient, date=day)
    with clock(now):
        admin_list = doctor_client.get("/admin/core/patient/").content.decode()
        client.force_login(patient.user)
        dashboard = client.get("/").content.decode()
    assert days_logged_column(admin_list, "Kim") == "2"
    assert "<strong>2</strong> of the last 14 days logged." in dashboard
    assert f"Today, {local_today:%A}, {local_today:%B} {local_today.day}</h2>" in dashboard


@pytest.mark.parametrize("zone, now, local_today", CASES)
def test_quiet_3_days_counts_the_patients_own_days(doctor_client, zone, now, local_today):
    quiet = PatientFactory(display_name="Quiet", time_zone=zone)  # last entry 3 days before their today
    EntryFactory(patient=quiet, date=local_today - timedelta(days=3))
    logging = PatientFactory(display_name="Logging", time_zone=zone)  # last entry 2 days before their today
    EntryFactory(patient=logging, date=local_today - timedelta(days=2))
    stranger = PatientFactory(display_name="Stranger", time_zone=zone)  # not this clinician's patient
    for patient in (quiet, logging):
        patient.clinicians.add(doctor_client.doctor)
    with clock(now):
        index = doctor_client.get("/admin/").content.decode()
        listed = doctor_client.get("/admin/core/patient/?quiet=3").content.decode().split("<tbody>")[-1]
    assert '<strong data-summary="quiet-patients">1</strong> of 2' in index
    assert ">Quiet<" in listed and ">Logging<" not in listed and stranger.name not in listed


def test_the_time_the_clinician_was_emailed_is_in_the_patients_zone_the_us_way(client):
    patient = PatientFactory(time_zone="Pacific/Honolulu")
    patient.clinicians.add(ClinicianFactory())
    day = date(2026, 12, 6)
    with clock(datetime(2026, 12, 7, 0, 0, tzinfo=UTC)):
        services.entry_save(entry=EntryFactory.build(patient=patient, date=day, symptoms=["hearing"]))
    emailed = datetime(2026, 12, 7, 1, 5, tzinfo=UTC)  # 3:05 p.m. on December 6 in Honolulu
    assert Alert.objects.filter(patient=patient, severity="urgent").update(emailed_at=emailed) == 1
    client.force_login(patient.user)
    with clock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC)):
        page = client.get("/").content.decode()
    assert "Your clinician was e-mailed about this on December 6, 2026, 3:05 p.m." in page
    assert "December 7, 2026" not in page  # the server's date, never the patient's


def test_dates_on_the_patients_pages_are_written_the_us_way(client):
    patient = PatientFactory(time_zone="UTC")
    EntryFactory(patient=patient, date=date(2026, 12, 6))
    client.force_login(patient.user)
    with clock(datetime(2026, 12, 7, 12, 0, tzinfo=UTC)):
        entry = client.get("/diary/2026-12-06/").content.decode()
        diary = client.get("/diary/").content.decode()
    assert "Entry for Sunday, December 6, 2026" in entry
    assert "Sun, December 6, 2026" in diary
    assert "6 December" not in entry + diary


DAY_FIRST = re.compile(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|"
                       r"December)\b")


@pytest.mark.parametrize("slug", [topic.slug for topic in education.topics()])
def test_the_education_pages_write_their_dates_the_us_way(client, slug):
    # The sources' dates ("label current on November 28, 2026") as much as the page's own.
    page = client.get(f"/learn/{slug}/").content.decode()
    assert DAY_FIRST.findall(page) == []
    assert re.search(r"(January|February|March|April|May|June|July|August|September|October|November|December) "
                     r"\d{1,2}, \d{4}", page)
