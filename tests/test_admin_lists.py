"""The clinician admin's list pages: what each one shows, sorting, filters, escaping, scoping and
what a page costs in queries as the lists grow."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import services
from core.models import Alert, MoodCheck, PregnancyTest, Rule, RuleOverride
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory, patient_today
from tests.pages import html

pytestmark = pytest.mark.django_db
TODAY = patient_today()


@pytest.fixture
def record():
    """Values of every kind a cell shows: none, blank, dates, choices, booleans, a deleted user."""
    doctor = ClinicianFactory(username="dr_table")
    gone = ClinicianFactory(username="dr_gone")
    never = PatientFactory(user__username="never", display_name="<b>Never</b> & co")  # escaped, no entries
    never.clinicians.add(doctor)
    patient = PatientFactory(user__username="tess", display_name="Tess", course_start=TODAY - timedelta(days=40),
                             can_become_pregnant=True)
    patient.clinicians.add(doctor)
    for back, mood, sunburn in [(0, 1, "blistering"), (1, 2, "mild"), (2, 8, "none")]:
        entry = EntryFactory.build(patient=patient, date=TODAY - timedelta(days=back), mood=mood, sunburn=sunburn,
                                   sunscreen=back == 1, sun_minutes=45, notes="  ")
        services.entry_save(entry=entry)
    # By rule, not by pk (the order rules are written in varies between runs): the urgent sunburn
    # stays open whichever run it is (issue 23: single days of sun are for the patient only).
    alerts = list(Alert.objects.filter(patient=patient).order_by("rule_code", "first_day"))
    assert [a.rule_code for a in alerts] == ["mood-low", "sun-unprotected", "sun-unprotected", "sunburn",
                                             "sunburn-blistering"]
    alerts[0].acknowledged_by, alerts[0].acknowledged_at = gone, timezone.now()
    alerts[0].save()
    gone.delete()
    alerts[1].acknowledged_by, alerts[1].acknowledged_at = doctor, timezone.now()
    alerts[1].save()
    RuleOverride.objects.create(patient=patient, rule=Rule.objects.get(code="mood-low"), threshold=2, set_by=doctor)
    RuleOverride.objects.create(patient=never, rule=Rule.objects.get(code="dryness-persistent"), run_days=4)
    MoodCheck.objects.create(patient=patient, date=TODAY, q1=1, q2=2, total=3, band="minimal")
    PregnancyTest.objects.create(patient=patient, date=TODAY, result="negative")
    return doctor


LISTS = [
    "/admin/core/patient/", "/admin/core/patient/?o=-2.1", "/admin/core/patient/?quiet=3&q=e",
    "/admin/core/alert/?acknowledged=all", "/admin/core/alert/?acknowledged=yes&o=3",
    "/admin/core/diaryentry/", "/admin/core/diaryentry/?sunburn__exact=mild",
    "/admin/core/ruleoverride/", "/admin/core/moodcheck/", "/admin/core/pregnancytest/", "/admin/core/rule/",
]


NEVER = "<b>Never</b> & co"
# Whose rows each list shows, sorted (the sorting tests check order), for the clinician and a superuser alike.
EXPECTED = {
    "/admin/core/patient/": [NEVER, "Tess"],
    "/admin/core/patient/?o=-2.1": [NEVER, "Tess"],
    "/admin/core/patient/?quiet=3&q=e": [NEVER],  # no entry for 3+ days, "e" in the name
    "/admin/core/alert/?acknowledged=all": ["Tess"] * 5,
    "/admin/core/alert/?acknowledged=yes&o=3": ["Tess"] * 2,
    "/admin/core/diaryentry/": ["Tess"] * 3,
    "/admin/core/diaryentry/?sunburn__exact=mild": ["Tess"],
    "/admin/core/ruleoverride/": [NEVER, "Tess"],
    "/admin/core/moodcheck/": ["Tess"],
    "/admin/core/pregnancytest/": ["Tess"],
    "/admin/core/rule/": ["dryness-high", "dryness-persistent", "mood-drop", "mood-low", "mood-persistent-low",
                          "phq2-positive", "phq9-item9", "phq9-moderate", "phq9-severe", "pregnancy-positive",
                          "pregnancy-risk", "pregnancy-test-due", "red-flag", "self-harm", "sun-unprotected",
                          "sunburn", "sunburn-blistering"],
}


def shown(response) -> list[str]:
    """The patient of each row; a rule's code on the rule list."""
    result = response.context["cl"].result_list
    if result.model is Rule:
        return sorted(rule.code for rule in result)
    return sorted(getattr(obj, "patient", obj).name for obj in result)


def rows(response) -> str:
    return html(response).split("<tbody>")[-1].split("</tbody>")[0]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("who", ["clinician", "superuser"])
def test_every_list_opens_for_clinicians_and_superusers(client, record, url, who):
    client.force_login(record if who == "clinician" else ClinicianFactory(username="root", is_superuser=True))
    response = client.get(url)
    assert response.status_code == 200
    assert shown(response) == EXPECTED[url], url


def test_the_alert_queue_names_who_acknowledged_and_a_deleted_user(client, record):
    client.force_login(record)
    page = rows(client.get("/admin/core/alert/?acknowledged=yes"))
    assert "acknowledged by dr_table" in page
    assert "acknowledged by a deleted user" in page


def test_the_patient_list_sorts_by_its_columns(client, record):
    quiet = PatientFactory(user__username="quinn", display_name="Quinn")
    quiet.clinicians.add(record)
    services.entry_save(entry=EntryFactory.build(patient=quiet, date=TODAY - timedelta(days=20), mood=6))
    client.force_login(record)

    def names(order: str) -> list[str]:
        return [p.name for p in client.get(f"/admin/core/patient/?o={order}").context["cl"].result_list]

    # Columns: 1 name, 2 course day, 3 last entry, 4 days logged, 5 needs attention.
    assert names("1") == ["<b>Never</b> & co", "Quinn", "Tess"]
    assert names("3") == ["Tess", "Quinn", "<b>Never</b> & co"]  # most recent entry first, never last
    assert names("-4")[0] == "Tess" and names("4")[-1] == "Tess"  # 3 days logged, the others none
    assert names("5")[0] == "Tess"  # the open urgent alert first


def test_names_are_escaped_and_links_keep_the_lists_filters(client, record):
    client.force_login(record)
    page = client.get("/admin/core/patient/?q=never").content.decode()
    assert "&lt;b&gt;Never&lt;/b&gt; &amp;amp; co" not in page  # escaped once, not twice
    assert "&lt;b&gt;Never&lt;/b&gt; &amp; co" in page
    assert "/change/?_changelist_filters=q%3Dnever" in page


def test_a_popup_list_works(client, record):
    client.force_login(record)
    page = client.get("/admin/core/patient/?_popup=1&_to_field=id").content.decode()
    assert "data-popup-opener" in page
    assert "Tess" in page


def test_a_clinician_never_sees_another_clinicians_patient_in_any_list(client, record):
    other = PatientFactory(user__username="olga", display_name="Olga")
    other.clinicians.add(ClinicianFactory(username="dr_other"))
    services.entry_save(entry=EntryFactory.build(patient=other, mood=1))
    client.force_login(record)
    for url in [*LISTS, "/admin/core/alert/"]:
        assert "Olga" not in html(client.get(url)), url
    for url in ["/admin/core/patient/?q=olga", "/admin/core/alert/?q=olga", "/admin/core/diaryentry/?q=olga"]:
        response = client.get(url)
        assert list(response.context["cl"].result_list) == [] and "Olga" not in rows(response), url


@pytest.mark.parametrize("url", [url for url in LISTS if "/rule/" not in url and "quiet" not in url])
def test_a_list_costs_the_same_queries_however_many_rows_it_shows(client, record, url):
    client.force_login(record)
    client.get(url)  # the first page of a session also renews it and looks up content types
    with CaptureQueriesContext(connection) as few:
        rows_before = len(client.get(url).context["cl"].result_list)
    for n in range(3):
        patient = PatientFactory(user__username=f"extra{n}", user__first_name="Ex", display_name="",
                                 course_start=TODAY - timedelta(days=5))
        patient.clinicians.add(record)
        services.entry_save(entry=EntryFactory.build(patient=patient, mood=1, sunburn="mild"))
        Alert.objects.filter(patient=patient).update(acknowledged_at=timezone.now(), acknowledged_by=record)
        RuleOverride.objects.create(patient=patient, rule=Rule.objects.get(code="mood-low"), threshold=2,
                                    set_by=record)
        MoodCheck.objects.create(patient=patient, date=TODAY, q1=0, q2=1, total=1, band="minimal")
        PregnancyTest.objects.create(patient=patient, date=TODAY, result="negative")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["cl"].result_list) > rows_before, url
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The alert queue: filters and sorting, row by row --------------------------------------------


@pytest.fixture
def queue():
    """Four alerts of one clinician's patients in each state, and another clinician's urgent one."""
    doctor = ClinicianFactory(username="dr_queue")
    ann = PatientFactory(user__username="ann", display_name="Ann")
    ben = PatientFactory(user__username="ben", display_name="Ben")
    for patient in (ann, ben):
        patient.clinicians.add(doctor)
    stranger = PatientFactory(user__username="zed", display_name="Zed")
    stranger.clinicians.add(ClinicianFactory(username="dr_elsewhere"))
    now = timezone.now()

    def alert(patient, name, rule_code, severity, first_back, days, hours_ago, **state):
        first = TODAY - timedelta(days=first_back)
        return Alert.objects.create(
            patient=patient, source=name, rule_code=rule_code, severity=severity, first_day=first,
            last_day=first + timedelta(days=days - 1), days=days, message=name, advice="-", detail=name,
            learn_url="/learn/", created_at=now - timedelta(hours=hours_ago), **state)

    alert(ann, "mood", "mood-low", "warning", 5, 2, 30, emailed_at=now - timedelta(hours=29))
    alert(ben, "dry", "dryness-high", "urgent", 2, 3, 2, emailed_at=now - timedelta(hours=1))
    alert(ann, "sun", "sunburn", "info", 9, 1, 50)
    alert(ann, "mood-old", "mood-low", "warning", 20, 4, 400, acknowledged_by=doctor, acknowledged_at=now,
          outcome="reviewed")
    alert(ben, "gone", "dryness-high", "warning", 12, 1, 200, resolved_at=now)
    alert(stranger, "other", "mood-low", "urgent", 1, 1, 1)
    return doctor


def queue_rows(client, query: str) -> list[str]:
    response = client.get(f"/admin/core/alert/?{query}")
    assert response.status_code == 200, query
    return [a.source for a in response.context["cl"].result_list]


@pytest.mark.parametrize("query, expected", [
    ("", ["dry", "mood", "sun"]),  # open: urgent first, then the one waiting longest
    ("acknowledged=yes", ["mood-old"]),
    ("acknowledged=withdrawn", ["gone"]),
    ("acknowledged=all", ["dry", "mood-old", "gone", "mood", "sun"]),
    ("severity__exact=warning", ["mood"]),
    ("severity__exact=warning&acknowledged=all", ["mood-old", "gone", "mood"]),
    ("severity__exact=urgent", ["dry"]),
    ("rule_code=mood-low", ["mood"]),
    ("rule_code=mood-low&acknowledged=all", ["mood-old", "mood"]),
    ("rule_code=dryness-high&acknowledged=withdrawn", ["gone"]),
    ("rule_code=self-harm", []),
])
def test_the_alert_queue_filters_show_exactly_these_rows(client, queue, query, expected):
    client.force_login(queue)
    assert queue_rows(client, query) == expected


@pytest.mark.parametrize("order, column, expected", [
    ("1", "severity", ["urgent", "warning", "warning", "warning", "info"]),  # most severe first
    ("-1", "severity", ["info", "warning", "warning", "warning", "urgent"]),
    ("3", "rule_code", ["dryness-high", "dryness-high", "mood-low", "mood-low", "sunburn"]),
    ("4", "source", ["mood-old", "gone", "sun", "mood", "dry"]),  # first day, earliest first
    ("-5", "source", ["dry", "mood", "sun", "gone", "mood-old"]),  # last day, latest first
    ("-6", "days", [4, 3, 2, 1, 1]),
])
def test_the_alert_queue_sorts_by_its_columns(client, queue, order, column, expected):
    client.force_login(queue)
    alerts = client.get(f"/admin/core/alert/?acknowledged=all&o={order}").context["cl"].result_list
    assert [getattr(a, column) for a in alerts] == expected


def test_the_alert_queue_sorts_by_when_the_clinician_was_emailed(client, queue):
    client.force_login(queue)

    def emailed(order: str) -> list[str]:
        alerts = client.get(f"/admin/core/alert/?acknowledged=all&o={order}").context["cl"].result_list
        return [a.source for a in alerts if a.emailed_at]  # where "not e-mailed" goes is the database's

    assert emailed("8") == ["mood", "dry"]
    assert emailed("-8") == ["dry", "mood"]


def test_the_patient_list_filters_by_assigned_clinician(client, record):
    colleague = ClinicianFactory(username="dr_colleague")
    shared = PatientFactory(user__username="sam", display_name="Sam")
    shared.clinicians.add(record, colleague)
    theirs_only = PatientFactory(user__username="uma", display_name="Uma")
    theirs_only.clinicians.add(colleague)
    client.force_login(record)

    def names(query: str) -> list[str]:
        return sorted(p.name for p in client.get(f"/admin/core/patient/?{query}").context["cl"].result_list)

    assert names("") == ["<b>Never</b> & co", "Sam", "Tess"]
    assert names(f"clinician={record.pk}") == ["<b>Never</b> & co", "Sam", "Tess"]
    assert names(f"clinician={colleague.pk}") == ["Sam"]  # never Uma, who is not the user's patient
    assert names("clinician=abc") == []


@pytest.mark.parametrize("url", ["/admin/core/patient/", "/admin/core/alert/?acknowledged=all",
                                 "/admin/core/diaryentry/"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_each_rows_checkbox_is_djangos_own(client, record, url, language):
    """The lists write a row's checkbox themselves (core/admin/base.py): it must stay the markup
    Django's own action_checkbox gives, which the admin's script and screen readers rely on, in the
    reader's language, the patient's name escaped once."""
    from django.contrib import admin
    from django.utils import translation
    from pytest_django.asserts import assertHTMLEqual

    client.force_login(ClinicianFactory(username="root", is_superuser=True) if "diaryentry" in url else record)
    client.post("/i18n/setlang/", {"language": language, "next": "/admin/"})
    response = client.get(url)
    objects = list(response.context["cl"].result_list)
    boxes = re.findall(r'<input type="checkbox" name="_selected_action"[^>]*>', html(response))
    assert objects and len(boxes) == len(objects)
    model_admin = admin.site.get_model_admin(response.context["cl"].model)
    with translation.override(language):
        for box, obj in zip(boxes, objects, strict=True):
            assertHTMLEqual(box, admin.ModelAdmin.action_checkbox(model_admin, obj))
    if language == "es":
        assert "Seleccione este objeto para una acción" in boxes[0]
