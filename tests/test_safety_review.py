"""Issue 19 (safety review), items 1, 2, 3, 6 and 8: mood findings say what the Medication Guide says;
one rule for severity; the pregnancy calendar's windows and missing tests; the pregnancy-risk rule;
red-flag advice per sign; the missed-test warning reopens."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail

from core import education, notifications, rules, services
from core.default_rules import DEFAULT_RULES
from core.findings import FindingGroup
from core.models import LOCKED_RULES, SIGN_ADVICE, Alert, DiaryEntry, PregnancyTest, Rule, Symptom
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory, entry_data

pytestmark = pytest.mark.django_db
DEFAULTS = {rule["code"]: rule for rule in DEFAULT_RULES}
# The Medication Guide: for signs of depression, "stop taking isotretinoin and call your doctor right away"
# (the app says "prescriber", as /learn/mood/ does).
STOP_AND_CALL = "stop taking isotretinoin and call your prescriber right away"
MOOD_RULES = ["mood-low", "mood-persistent-low", "mood-drop", "phq2-positive", "phq9-moderate", "phq9-severe",
              "phq9-item9", "self-harm"]
WAITING = ["other signs", "if you also", "keep an eye", "over the next days", "if it does not lift", "talk to someone"]


def finding(page: str, code: str) -> str:
    match = re.search(rf'<section[^>]*data-warning="{code}".*?</section>', page, re.S)
    assert match, f"no {code} finding on the page"
    return match.group(0)


@pytest.fixture
def can_become_pregnant(patient):
    patient.can_become_pregnant = True
    patient.save()
    return patient


# --- Item 1: mood findings, and one rule for severity ---------------------------------------------


def test_the_mood_page_gives_the_stop_and_call_sentence_the_findings_use():
    assert STOP_AND_CALL in education.get("mood").text.lower()


@pytest.mark.parametrize("code", MOOD_RULES)
def test_every_mood_finding_says_stop_and_call_without_waiting_and_gives_988_and_911(code):
    advice = DEFAULT_RULES[[r["code"] for r in DEFAULT_RULES].index(code)]["advice"]
    assert STOP_AND_CALL in advice.lower()
    assert "988" in advice and "911" in advice
    assert not [words for words in WAITING if words in advice.lower()]
    assert DEFAULTS[code]["severity"] == "urgent"
    assert code in FindingGroup.CRISIS_RULES  # the page shows CRISIS_CONTACTS inside the finding


@pytest.mark.parametrize("values, code", [({"mood": "3"}, "mood-low"), ({"mood": "0"}, "mood-low")])
def test_a_low_mood_day_is_urgent_with_the_crisis_contacts_in_its_finding(patient_client, patient, settings, values,
                                                                         code):
    settings.CRISIS_CONTACTS = "Call or text 988, or call 911"
    page = patient_client.post("/diary/new/", entry_data(**values), follow=True).content.decode()
    section = finding(page, code)
    assert 'data-severity="urgent"' in section and "data-care-team=" in section
    assert "Call or text 988, or call 911" in section
    assert STOP_AND_CALL in section.lower()


def test_a_mood_drop_is_urgent_and_does_not_say_to_wait(patient_client, patient):
    for back in (3, 2, 1):
        services.entry_save(entry=EntryFactory.build(patient=patient, date=patient.today() - timedelta(days=back),
                                                      mood=9))
    page = patient_client.post("/diary/new/", entry_data(mood="5"), follow=True).content.decode()
    section = finding(page, "mood-drop")
    assert 'data-severity="urgent"' in section and "next days" not in section
    assert STOP_AND_CALL in section.lower()


@pytest.mark.parametrize("q3_to_q9, total", [([0] * 7, 3), ([1, 1, 1, 0, 0, 0, 0], 6), ([3, 3, 0, 0, 0, 0, 0], 9)])
def test_a_positive_phq2_is_never_filed_without_a_finding_that_says_to_call(patient_client, patient, q3_to_q9, total):
    answers = {"q1": "2", "q2": "1", **{f"q{n}": str(a) for n, a in enumerate(q3_to_q9, start=3)}}
    patient_client.post("/mood-check/", answers)
    page = patient_client.get("/").content.decode()
    section = finding(page, "phq2-positive")
    assert 'data-severity="urgent"' in section and STOP_AND_CALL in section.lower()
    assert Alert.objects.get(patient=patient).detail == "PHQ-2 total 3"
    assert patient.mood_checks.get().total == total


def test_a_negative_phq2_raises_nothing(patient_client, patient):
    patient_client.post("/mood-check/", {"q1": "1", "q2": "1"})
    assert not Alert.objects.filter(patient=patient).exists()


@pytest.mark.parametrize(
    "advice, least",
    [
        ("Stop taking isotretinoin and call your prescriber right away.", "urgent"),
        ("You are not alone. Get help now, then stop taking isotretinoin and call your prescriber.", "urgent"),
        ("Call your prescriber: the Medication Guide says to stop taking isotretinoin and call.", "urgent"),
        # A conditional stop is not the finding's own advice.
        ("Moisturize. If your eyes hurt, stop taking isotretinoin and call your prescriber right away.", "warning"),
        ("Call your prescriber right away.", "warning"),
        ("Tell your prescriber in the next day or two.", "warning"),
        ("These can be signs of a stroke: call 911 right away.", "warning"),
        ("Cover up and use a broad-spectrum sunscreen.", "info"),
    ],
)
def test_the_severity_rule(advice, least):
    assert rules.minimum_severity(advice) == least
    assert rules.severity_fits("urgent", advice)
    assert rules.severity_fits(least, advice)
    if least != "info":
        assert not rules.severity_fits(rules.SEVERITY_ORDER[rules.SEVERITY_ORDER.index(least) - 1], advice)


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=lambda r: r["code"])
def test_every_default_rule_fits_the_severity_rule(rule):
    assert rules.severity_fits(rule["severity"], rule["advice"]), (rule["code"], rules.minimum_severity(rule["advice"]))


def test_the_rules_the_app_fires_are_as_severe_as_their_advice(db):
    """The rows in force (a fresh install, migrations applied) and the per-sign advice, too."""
    for rule in Rule.objects.all():
        assert rules.severity_fits(rule.severity, rule.advice), rule.code
    for code, advice in SIGN_ADVICE.items():
        assert rules.minimum_severity(str(advice)) != "info", code  # every sign says to call (red-flag: urgent)


# --- Item 3: pregnancy-risk ---------------------------------------------------------------------


def test_only_a_patient_who_can_become_pregnant_is_asked(patient_client, patient):
    page = patient_client.get("/diary/new/").content.decode()
    assert 'value="missed_period"' not in page and 'value="unprotected_sex"' not in page
    patient.can_become_pregnant = True
    patient.save()
    page = patient_client.get("/diary/new/").content.decode()
    assert 'value="missed_period"' in page and 'value="unprotected_sex"' in page
    assert "your prescriber&#x27;s team" in page.lower() or "your prescriber's team" in page.lower()


@pytest.mark.parametrize("code", ["missed_period", "unprotected_sex"])
def test_a_patient_who_cannot_become_pregnant_posting_the_codes_gets_a_clear_400(patient_client, patient, code):
    response = patient_client.post("/diary/new/", entry_data(symptoms=[code]))
    assert response.status_code == 400
    assert "only for patients who can become pregnant" in response.content.decode()
    assert not DiaryEntry.objects.filter(patient=patient).exists()
    assert not Alert.objects.filter(patient=patient).exists()


@pytest.mark.parametrize("code", ["missed_period", "unprotected_sex"])
def test_each_answer_raises_the_urgent_pregnancy_risk_finding(patient_client, can_become_pregnant, code):
    page = patient_client.post("/diary/new/", entry_data(symptoms=[code]), follow=True).content.decode()
    section = finding(page, "pregnancy-risk")
    assert 'data-severity="urgent"' in section and 'data-care-team="none"' in section
    assert STOP_AND_CALL in section.lower()
    assert f'data-sign="{code}"' in section
    assert 'data-warning="red-flag"' not in page  # not a red flag
    alert = Alert.objects.get(patient=can_become_pregnant)
    assert (alert.rule_code, alert.severity, alert.signs) == ("pregnancy-risk", "urgent", [code])


def test_sex_without_two_forms_of_birth_control_names_emergency_contraception(patient_client, can_become_pregnant):
    page = patient_client.post("/diary/new/", entry_data(symptoms=["unprotected_sex"]), follow=True).content.decode()
    sign = re.search(r'<li data-sign="unprotected_sex">.*?</li>', page, re.S).group(0)
    assert "emergency contraception" in sign


def test_pregnancy_risk_is_a_safety_rule(can_become_pregnant):
    assert "pregnancy-risk" in LOCKED_RULES and "phq2-positive" in LOCKED_RULES
    Rule.objects.filter(code="pregnancy-risk").update(enabled=False, severity="info")  # behind validation
    services.entry_save(entry=EntryFactory.build(patient=can_become_pregnant, symptoms=["missed_period"]))
    assert Alert.objects.get(patient=can_become_pregnant).severity == "urgent"


def test_pregnancy_risk_e_mails_the_clinician_like_any_urgent_finding_without_saying_what(settings,
                                                                                           can_become_pregnant):
    locmem = "django.core.mail.backends.locmem.EmailBackend"
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": locmem}}
    settings.ESCALATION_EMAIL = ""
    doctor = ClinicianFactory(username="dr_p", email="p@clinic.example")
    can_become_pregnant.clinicians.add(doctor)
    services.entry_save(entry=EntryFactory.build(patient=can_become_pregnant, symptoms=["unprotected_sex"]))
    notifications.run()
    [message] = mail.outbox
    assert message.to == ["p@clinic.example"]
    text = f"{message.subject}\n{message.body}".lower()
    for word in ("pregnan", "period", "sex", "birth control", "contracepti", "isotretinoin"):
        assert word not in text
    assert Alert.objects.get(patient=can_become_pregnant).emailed_at is not None


def test_an_entry_with_an_answer_stays_editable_after_the_clinician_unmarks_the_patient(patient_client,
                                                                                       can_become_pregnant):
    patient_client.post("/diary/new/", entry_data(symptoms=["missed_period"]))
    can_become_pregnant.can_become_pregnant = False
    can_become_pregnant.save()
    day = can_become_pregnant.today()
    page = patient_client.get(f"/diary/{day}/").content.decode()
    assert 'value="missed_period"' in page  # the answer can be seen and unticked, not lost
    response = patient_client.post(f"/diary/{day}/", entry_data(symptoms=["missed_period"], mood="6"))
    assert response.status_code == 302


def test_another_patients_pregnancy_answers_stay_private(patient_client, patient):
    other = PatientFactory(can_become_pregnant=True)
    services.entry_save(entry=EntryFactory.build(patient=other, symptoms=["missed_period"]))
    assert 'data-warning="pregnancy-risk"' not in patient_client.get("/").content.decode()


# --- Item 6: red-flag advice per sign -----------------------------------------------------------


def test_every_sign_has_its_own_advice():
    assert set(SIGN_ADVICE) == set(Symptom.values)
    assert rules.PREGNANCY_SIGNS == {Symptom.MISSED_PERIOD, Symptom.UNPROTECTED_SEX}


@pytest.mark.parametrize(
    "code, says, does_not_say",
    [
        ("thirst_urination", "call your prescriber right away", "stop taking"),  # the label says call, not stop
        ("fainting_heartbeat", "call your prescriber right away", "stop taking"),
        ("jaundice", STOP_AND_CALL, "911"),
        ("allergic_reaction", "911", None),
        ("stroke_signs", "911", None),
    ],
)
def test_each_ticked_sign_shows_its_own_advice_in_the_finding(patient_client, patient, code, says, does_not_say):
    page = patient_client.post("/diary/new/", entry_data(symptoms=[code]), follow=True).content.decode()
    section = finding(page, "red-flag")
    sign = re.search(rf'<li data-sign="{code}">.*?</li>', section, re.S).group(0).lower()
    assert says in sign
    assert does_not_say is None or does_not_say not in sign


def test_only_the_ticked_signs_get_advice(patient_client, patient):
    page = patient_client.post("/diary/new/", entry_data(symptoms=["hearing", "seizure"]), follow=True)
    section = finding(page.content.decode(), "red-flag")
    assert re.findall(r'data-sign="([a-z_]+)"', section) == ["hearing", "seizure"]


def test_seizure_advice_lists_when_to_call_911_as_the_cdc_does():
    advice = str(SIGN_ADVICE["seizure"])
    for words in ("first seizure", "5 minutes", "followed by another", "trouble breathing or waking up", "hurt",
                  "in water", "pregnant", "911"):
        assert words in advice
    assert "in water" in education.get("warning-signs").text and "pregnant" in education.get("warning-signs").text


def test_the_911_list_includes_hives():
    assert "hives" in DEFAULTS["red-flag"]["advice"] and "911" in DEFAULTS["red-flag"]["advice"]


def test_wherever_self_harm_is_asked_about_988_and_911_are_given(patient_client):
    page = patient_client.get("/diary/new/").content.decode()
    assert "988" in page and "911" in page  # the entry form's help text
    for code in ("self-harm", "phq9-item9"):
        assert "988" in DEFAULTS[code]["advice"] and "911" in DEFAULTS[code]["advice"]
    assert "988" in str(SIGN_ADVICE["self_harm"]) and "911" in str(SIGN_ADVICE["self_harm"])


# --- Item 2: the pregnancy calendar on the page -----------------------------------------------------


def log_tests(patient, *tests):
    for back, result in tests:
        services.pregnancy_test_save(test=PregnancyTest(patient=patient, date=patient.today() - timedelta(days=back),
                                                        result=result))


@pytest.mark.parametrize(
    "start_in, tests, collect_in",
    [
        (10, [(1, "negative")], None),  # a lone screening test before the course
        (10, [(22, "negative"), (2, "negative")], 4),  # the confirmation test: its window, day 1 two days ago
        (-40, [(5, "negative")], 1),  # a test during the course
        (-40, [(30, "negative"), (5, "positive")], None),  # after a positive test
        (10, [(22, "negative"), (2, "positive")], None),
    ],
)
def test_the_collection_window_on_the_pages(patient_client, can_become_pregnant, start_in, tests, collect_in):
    can_become_pregnant.course_start = can_become_pregnant.today() + timedelta(days=start_in)
    can_become_pregnant.save()
    log_tests(can_become_pregnant, *tests)
    for url in ("/pregnancy/", "/"):
        page = patient_client.get(url).content.decode()
        if collect_in is None:
            assert "data-collect-by" not in page, url
        else:
            expected = can_become_pregnant.today() + timedelta(days=collect_in)
            assert f'data-collect-by="{expected.isoformat()}"' in page, url


@pytest.mark.parametrize("tests", [[], [(30, "negative")]])
def test_a_course_start_with_missing_tests_says_so_and_raises_the_missed_test_warning(patient_client,
                                                                                     can_become_pregnant, tests):
    log_tests(can_become_pregnant, *tests)
    start = can_become_pregnant.today() - timedelta(days=3)
    profile = {"display_name": "Pat", "time_zone": "UTC", "daily_dose_mg": "40", "can_become_pregnant": "on",
               "course_start": start.isoformat()}
    assert patient_client.post("/accounts/profile/", profile).status_code == 302
    page = patient_client.get("/pregnancy/").content.decode()
    assert "data-missing-tests" in page and "monthly test during the course" not in page
    assert 'data-warning="pregnancy-test-due"' in page
    alert = Alert.objects.get(patient=can_become_pregnant, rule_code="pregnancy-test-due")
    assert "course start has passed" in alert.detail  # the clinician reads why


def test_the_contraception_form_says_a_minipill_does_not_count(patient_client, can_become_pregnant):
    page = patient_client.get("/pregnancy/").content.decode()
    assert "progestin-only" in page and "minipill" in page and "does not count" in page


# --- Item 8: the missed-test warning reopens --------------------------------------------------------


def test_the_missed_test_warning_reopens_when_the_clinician_marks_the_patient_again(client, patient):
    doctor = ClinicianFactory()
    patient.clinicians.add(doctor)
    patient.course_start = patient.today() - timedelta(days=40)
    patient.save()
    client.force_login(doctor)
    form = {"can_become_pregnant": "on", "target_low_mg_per_kg": "120", "target_high_mg_per_kg": "150"}
    url = f"/admin/core/patient/{patient.pk}/change/"
    assert client.post(url, form).status_code == 302
    first = Alert.objects.get(patient=patient, rule_code="pregnancy-test-due")
    assert client.post(url, {k: v for k, v in form.items() if k != "can_become_pregnant"}).status_code == 302
    first.refresh_from_db()
    assert first.resolved_at is not None
    assert client.post(url, form).status_code == 302
    reopened = Alert.objects.get(patient=patient, rule_code="pregnancy-test-due")
    assert reopened.pk == first.pk and reopened.resolved_at is None


def test_another_clinician_cannot_reopen_it(client, patient):
    patient.course_start = patient.today() - timedelta(days=40)
    patient.save()
    stranger = ClinicianFactory(username="dr_stranger")
    client.force_login(stranger)
    form = {"can_become_pregnant": "on", "target_low_mg_per_kg": "120", "target_high_mg_per_kg": "150"}
    assert client.post(f"/admin/core/patient/{patient.pk}/change/", form).status_code == 404  # not their patient
    patient.refresh_from_db()
    assert not patient.can_become_pregnant
    assert not Alert.objects.filter(patient=patient).exists()


# --- Sources and existing databases ----------------------------------------------------------------


def test_the_sources_of_issue_19():
    rems = "https://www.accessdata.fda.gov/scripts/cder/rems/index.cfm?event=RemsDetails.page&REMS=24"
    for slug in ("pregnancy", "what-is-isotretinoin"):
        urls = [source.url for source in education.get(slug).sources]
        assert rems in urls and not [u for u in urls if "IndvRemsDetails" in u]
    what = education.get("what-is-isotretinoin")
    assert "Myorisan" in what.text
    del_rosso = next(s.citation for s in what.sources if "Del Rosso" in s.citation)
    assert "Practical Considerations and Therapeutic Advantages" in del_rosso and "funded by Sun Pharma" in del_rosso
    pregnancy = education.get("pregnancy").text
    assert "ask your prescriber whether they do" in pregnancy
    assert "minipills" in pregnancy and "section 5.1" in pregnancy


MIGRATION = importlib.import_module("core.migrations.0015_safety_review")
NOTIFY_MIGRATION = importlib.import_module("core.migrations.0019_rule_notify")
SPANISH_MIGRATION = importlib.import_module("core.migrations.0021_rule_and_alert_spanish")


def test_the_migration_rewords_the_previous_defaults_raises_their_severity_and_keeps_a_clinics_own():
    for code, old, _new, _severity in MIGRATION.TEXTS:
        Rule.objects.filter(code=code).update(advice=old, severity="warning" if code not in LOCKED_RULES else "urgent")
    Rule.objects.filter(code="mood-drop").update(advice="Our clinic's own words.")
    Rule.objects.filter(code__in=["phq2-positive", "pregnancy-risk"]).delete()

    MIGRATION.forwards(apps, None)
    NOTIFY_MIGRATION.forwards(apps, None)  # the upgrade goes on to 0019, which gives every rule its `notify`
    SPANISH_MIGRATION.forwards(apps, None)  # and to 0021, which gives the default texts their Spanish

    for code, _old, new, severity in MIGRATION.TEXTS:
        rule = Rule.objects.get(code=code)
        if code == "mood-drop":
            assert (rule.advice, rule.severity) == ("Our clinic's own words.", "warning")
        else:
            assert (rule.advice, rule.severity) == (new, severity) == (DEFAULTS[code]["advice"],
                                                                       DEFAULTS[code]["severity"])
    for code in ("phq2-positive", "pregnancy-risk"):
        rule = Rule.objects.get(code=code)
        assert {f: getattr(rule, f) for f in DEFAULTS[code]} == DEFAULTS[code]


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "x-Long-pass-99"))
    return client


def rule_form(rule: Rule, **changes) -> dict:
    fields = ("title", "severity", "threshold", "run_days", "message", "advice", "learn_slug", "learn_anchor",
              "notify")
    return {f: getattr(rule, f) if getattr(rule, f) is not None else "" for f in fields} | {"enabled": "on"} | changes


@pytest.mark.parametrize("code, lower, least", [("mood-low", "warning", "urgent"), ("dryness-high", "info", "warning")])
def test_the_rule_admin_refuses_a_severity_below_what_the_advice_says(superuser_client, code, lower, least):
    rule = Rule.objects.get(code=code)
    response = superuser_client.post(f"/admin/core/rule/{rule.pk}/change/", rule_form(rule, severity=lower))
    assert response.status_code == 200 and f"its severity must be at least {least}" in response.content.decode()
    rule.refresh_from_db()
    assert rule.severity == DEFAULTS[code]["severity"]


def test_the_rule_admin_accepts_a_severity_that_fits_the_advice(superuser_client):
    rule = Rule.objects.get(code="sunburn-blistering")
    form = rule_form(rule, severity="warning", advice="Contact your prescriber or a doctor today.")
    assert superuser_client.post(f"/admin/core/rule/{rule.pk}/change/", form).status_code == 302
    rule.refresh_from_db()
    assert rule.severity == "warning"
