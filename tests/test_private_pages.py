"""Issue 20, item 6: patient pages are never cached, e-mails are neutral, override thresholds stay on
the rule's scale, and a staff session ends 12 hours after its sign-in however active."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from core import notifications
from core.default_rules import DEFAULT_RULES
from core.management.commands import send_reminders
from core.models import Rule, RuleOverride
from core.rules import THRESHOLD_RANGES, threshold_error
from tests.factories import ClinicianFactory, EntryFactory, UserFactory
from tests.test_settings_env import _start

PATIENT_PAGES = ["/", "/diary/", "/diary/{day}/", "/diary/new/", "/accounts/profile/", "/pregnancy/",
                 "/mood-check/", "/learn/", "/learn/dryness/", "/diary/export.csv", "/accounts/export.json"]


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_every_page_of_a_signed_in_patient_is_no_store_private(patient_client, patient):
    entry = EntryFactory(patient=patient, date=patient.today())
    for page in PATIENT_PAGES:
        response = patient_client.get(page.format(day=entry.date.isoformat()))
        assert response.status_code == 200, page
        assert no_store(response), page


def test_a_redirect_after_saving_is_no_store_too(patient_client):
    response = patient_client.post("/accounts/profile/", {"display_name": "P", "time_zone": "UTC"})
    assert response.status_code == 302
    assert no_store(response)


def test_the_clinicians_admin_pages_are_no_store_private(client, patient, clinician):
    patient.clinicians.add(clinician)
    client.force_login(clinician)
    for page in ["/admin/", "/admin/core/patient/", f"/admin/core/patient/{patient.pk}/change/",
                 f"/admin/core/patient/{patient.pk}/summary/", "/admin/core/alert/"]:
        response = client.get(page)
        assert response.status_code == 200, page
        assert no_store(response), page


def test_signed_out_pages_stay_cacheable(client, db):
    for page in ["/learn/", "/learn/dryness/"]:
        assert "no-store" not in client.get(page).get("Cache-Control", ""), page


# --- Neutral e-mail ----------------------------------------------------------------------------

NAMES = ("isodiary", "isotretinoin", "accutane", "acne")


def test_no_subject_or_default_sender_names_the_app_the_drug_or_the_condition():
    subjects = [*notifications.SUBJECTS.values(), send_reminders.DAILY_SUBJECT, send_reminders.TASK_SUBJECT]
    for text in [*subjects, settings.DEFAULT_FROM_EMAIL]:
        assert not any(name in text.lower() for name in NAMES), text


def test_a_reminder_as_sent_is_neutral(patient, settings):
    patient.reminder_hour = timezone.now().astimezone(patient.tz).hour
    patient.save()
    from django.core.management import call_command

    call_command("send_reminders")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.from_email == settings.DEFAULT_FROM_EMAIL
    assert not any(name in (sent.subject + sent.body).lower() for name in NAMES)


# --- Override thresholds on the rule's own scale -------------------------------------------------


def test_the_default_rules_are_within_their_own_ranges():
    for rule in DEFAULT_RULES:
        assert threshold_error(rule["code"], rule["threshold"]) is None, rule["code"]
    assert set(THRESHOLD_RANGES) == {r["code"] for r in DEFAULT_RULES if r["threshold"] is not None}


@pytest.mark.parametrize("code, threshold, ok", [
    ("dryness-high", -1, False), ("dryness-high", 0, True), ("dryness-high", 10, True), ("dryness-high", 11, False),
    ("mood-low", -5, False), ("mood-low", 10, True), ("mood-drop", 0, False), ("mood-drop", 1, True),
    ("sun-unprotected", 1440, True), ("sun-unprotected", 1441, False), ("phq9-severe", 27, True),
    ("phq9-severe", 28, False), ("phq9-moderate", -1, False), ("sunburn", 3, False), ("sunburn", None, True),
])
def test_a_clinician_sets_an_override_only_within_the_rules_range(client, patient, clinician, code, threshold, ok):
    patient.clinicians.add(clinician)
    client.force_login(clinician)
    rule = Rule.objects.get(code=code)
    data = {"patient": patient.pk, "rule": rule.pk, "threshold": "" if threshold is None else threshold,
            "run_days": "" if threshold is not None else 3}
    response = client.post("/admin/core/ruleoverride/add/", data)
    assert RuleOverride.objects.filter(patient=patient, rule=rule).exists() is ok
    if not ok:
        assert response.status_code == 200
        assert "threshold" in response.context["adminform"].form.errors


def test_a_superuser_cannot_give_a_rule_an_out_of_scale_threshold(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    rule = Rule.objects.get(code="dryness-high")
    page = client.get(f"/admin/core/rule/{rule.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data["threshold"] = "-3"
    response = client.post(f"/admin/core/rule/{rule.pk}/change/", data)
    assert response.status_code == 200
    assert "Choose a threshold from 0 to 10 for this rule." in response.content.decode()
    rule.refresh_from_db()
    assert rule.threshold == 7


# --- An absolute cap on staff sessions -----------------------------------------------------------


def test_a_staff_session_ends_12_hours_after_sign_in_however_active(client, db):
    clinician = ClinicianFactory()
    client.force_login(clinician)
    start = timezone.now()
    # A request every 20 minutes, each sliding the 30-minute idle expiry.
    for minutes in range(0, 12 * 60, 20):
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=minutes)), \
                mock.patch("time.time", return_value=(start + timedelta(minutes=minutes)).timestamp()):
            assert client.get("/admin/").status_code == 200, minutes
    at_12_hours = start + timedelta(hours=12, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=at_12_hours), \
            mock.patch("time.time", return_value=at_12_hours.timestamp()):
        response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_cap_is_a_setting(client, db, settings):
    settings.STAFF_SESSION_MAX_HOURS = 1
    client.force_login(ClinicianFactory())
    later = timezone.now() + timedelta(minutes=61)
    assert client.get("/admin/").status_code == 200
    with mock.patch("time.time", return_value=later.timestamp()):
        assert client.get("/admin/").status_code == 302


def test_a_patient_session_has_no_such_cap(patient_client):
    later = timezone.now() + timedelta(hours=13)
    with mock.patch("time.time", return_value=later.timestamp()):
        assert patient_client.get("/diary/").status_code == 200


@pytest.mark.parametrize("env", [{"STAFF_SESSION_MAX_HOURS": "0"}, {"STAFF_SESSION_MAX_HOURS": "twelve"},
                                 {"SIGNUP_RATE_LIMIT": "10/week"}, {"PASSWORD_RESET_RATE_LIMIT": "0/h"}])
def test_a_bad_cap_or_rate_stops_start_up(env):
    result = _start(DEBUG="1", **env)
    assert result.returncode != 0
    assert next(iter(env)) in result.stderr
