"""The admin's changelist table (core.admin_list) shows exactly what Django's own renderer would."""

from datetime import date, timedelta

import pytest
from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import admin_list_filter, results
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import services
from core.admin_list import list_filter, result_table
from core.models import Alert, MoodCheck, PregnancyTest, Rule, RuleOverride
from core.widgets import PlainHiddenInput, PlainSelect
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


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
    alerts = list(Alert.objects.filter(patient=patient).order_by("pk"))
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


def django_rows(changelist) -> list[str]:
    return ["<tr>" + "".join(cells) + "</tr>" for cells in results(changelist)]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("who", ["clinician", "superuser"])
def test_every_row_is_the_one_django_would_render(client, record, url, who):
    if who == "superuser":
        client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    else:
        client.force_login(record)
    response = client.get(url)
    assert response.status_code == 200
    changelist = response.context["cl"]
    expected = django_rows(changelist)
    if url != "/admin/core/rule/" and who == "clinician" or "quiet" in url:
        assert expected, "the page should list something"
    assert result_table(changelist)["rows"] == expected
    page = response.content.decode()
    for row in expected:
        assert row in page


def test_links_keep_the_lists_filters_and_names_are_escaped(client, record):
    client.force_login(record)
    page = client.get("/admin/core/patient/?q=never").content.decode()
    assert "&lt;b&gt;Never&lt;/b&gt; &amp;amp; co" not in page  # escaped once, not twice
    assert "&lt;b&gt;Never&lt;/b&gt; &amp; co" in page
    assert "/change/?_changelist_filters=q%3Dnever" in page


def test_a_popup_list_keeps_djangos_renderer(client, record):
    client.force_login(record)
    page = client.get("/admin/core/patient/?_popup=1&_to_field=id").content.decode()
    assert "data-popup-opener" in page
    assert "Tess" in page


def test_a_clinician_never_sees_another_clinicians_patient_in_the_table(client, record):
    other = PatientFactory(user__username="olga", display_name="Olga")
    other.clinicians.add(ClinicianFactory(username="dr_other"))
    services.entry_save(entry=EntryFactory.build(patient=other, mood=1))
    client.force_login(record)
    for url in LISTS:
        response = client.get(url)
        assert "Olga" not in response.content.decode(), url
        assert all(row.count("olga") == 0 for row in result_table(response.context["cl"])["rows"]), url


@pytest.mark.parametrize("choices,value,attrs", [
    ([("", "---------"), ("acknowledge", "Acknowledge")], None, {"required": True}),
    ([("a", "A & <b>"), ("b", "B")], "b", {"class": 'x"y', "disabled": False, "data-n": 3}),
    ([("Group", [("1", "one"), ("2", "two")]), ("3", "three")], "2", {}),
])
def test_the_plain_select_writes_what_djangos_select_does(choices, value, attrs):
    assert PlainSelect(choices=choices).render("action", value, attrs) == \
        forms.Select(choices=choices).render("action", value, attrs)


@pytest.mark.parametrize("value", [0, None, "a<b", True])
def test_the_plain_hidden_input_writes_what_djangos_does(value):
    attrs = {"class": "select-across"}
    assert PlainHiddenInput(attrs).render("select_across", value) == forms.HiddenInput(attrs).render(
        "select_across", value)


def test_the_action_menu_is_djangos(client, record):
    client.force_login(record)
    response = client.get("/admin/core/alert/")
    ours = response.context["action_form"]
    theirs = helpers.ActionForm(auto_id=None)
    theirs.fields["action"].choices = ours.fields["action"].choices
    assert [str(f) for f in ours] == [str(f) for f in theirs]
    assert [f.label for f in ours] == [f.label for f in theirs]
    assert str(ours["action"]) in response.content.decode()
    assert "Acknowledge" in str(ours["action"])


@pytest.mark.parametrize("url", ["/admin/core/alert/?acknowledged=all", "/admin/core/patient/"])
def test_a_list_costs_the_same_queries_however_many_rows_it_shows(client, record, url):
    """Patient and alert lists load only the fields they show (list_only): a column that read a
    field left out would cost a query a row."""
    client.force_login(record)
    client.get(url)  # the first page of a session also renews it and looks up content types
    with CaptureQueriesContext(connection) as few:
        rows_before = len(client.get(url).context["cl"].result_list)
    for n in range(3):
        patient = PatientFactory(user__username=f"extra{n}", user__first_name="Ex", display_name="")
        patient.clinicians.add(record)
        services.entry_save(entry=EntryFactory.build(patient=patient, mood=1, sunburn="blistering"))
        Alert.objects.filter(patient=patient).update(acknowledged_at=timezone.now(), acknowledged_by=record)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["cl"].result_list) > rows_before
    assert "Ex" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


FILTERED = [
    *(url for url in LISTS if "/rule/" not in url),  # the rule list has no filters
    "/admin/core/alert/?severity__exact=urgent&rule_code=mood-low", "/admin/core/patient/?quiet=3",
    '/admin/core/alert/?q=<b>"&acknowledged=withdrawn',
]


@pytest.mark.parametrize("url", FILTERED)
def test_every_filter_is_the_one_django_would_render(client, record, url):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.get(url)
    changelist = response.context["cl"]
    assert changelist.filter_specs
    for spec in changelist.filter_specs:
        expected = admin_list_filter(changelist, spec)
        assert list_filter(changelist, spec) == expected
        assert expected in response.content.decode()
