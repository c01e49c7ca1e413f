"""Issue 15: every Medication Guide stop-and-call sign is a choice of the `symptoms` field, raises
red-flag (urgent) and links to its own anchor on /learn/warning-signs/; the crisis rules show the
crisis contacts inside their own warning; existing databases get the corrected wording."""

import importlib
import re

import pytest
from django.apps import apps

from core import education
from core.default_rules import DEFAULT_RULES
from core.models import PREGNANCY_GROUP, PREGNANCY_SIGNS, SYMPTOM_GROUPS, Alert, Rule, RuleOverride, Symptom
from tests.factories import entry_data

pytestmark = pytest.mark.django_db
SIGNS = [code for code in Symptom.values if code not in {"self_harm", *PREGNANCY_SIGNS}]


def finding(page: str, code: str) -> str:
    """The HTML of one warning element on a page."""
    match = re.search(rf'<section[^>]*data-warning="{code}".*?</section>', page, re.S)
    assert match, f"no {code} warning on the page"
    return match.group(0)


def test_the_new_signs_are_there_and_the_old_codes_are_kept():
    old = {"headache_vision", "abdominal_pain", "bowel_bleeding", "jaundice", "skin_reaction", "hearing",
           "muscle_weakness", "allergic_reaction", "hallucinations", "self_harm"}
    new = {"vision", "painful_dry_eyes", "seizure", "stroke_signs", "fainting_heartbeat", "thirst_urination",
           "leg_bruises", "swallowing_heartburn"}
    pregnancy = {"missed_period", "unprotected_sex"}  # issue 19: asked of a patient who can become pregnant
    assert set(Symptom.values) == old | new | pregnancy
    assert "back" not in Symptom.ABDOMINAL_PAIN.label and "bowel" in Symptom.ABDOMINAL_PAIN.label


def test_every_sign_is_in_exactly_one_group():
    grouped = [code for _, signs in SYMPTOM_GROUPS for code in signs]
    assert sorted(grouped) == sorted(Symptom.values)


@pytest.mark.parametrize("code", SIGNS)
def test_every_sign_raises_an_urgent_red_flag_linking_to_its_own_anchor(patient_client, patient, code):
    response = patient_client.post("/diary/new/", {**entry_data(), "symptoms": [code]}, follow=True)
    section = finding(response.content.decode(), "red-flag")
    assert 'data-severity="urgent"' in section
    assert str(Symptom(code).label) in Alert.objects.get(patient=patient, rule_code="red-flag").detail
    assert f'href="/learn/warning-signs/#{code}"' in section
    page = patient_client.get("/learn/warning-signs/").content.decode()
    assert f'id="{code}"' in page
    assert code in education.get("warning-signs").anchors


def test_the_entry_form_groups_the_signs_in_fieldsets_by_part_of_the_body(patient_client):
    page = patient_client.get("/diary/new/").content.decode()
    groups = re.findall(r'<fieldset class="checkbox-group">\s*<legend>([^<]+)</legend>(.*?)</fieldset>', page, re.S)
    shown = [(name, signs) for name, signs in SYMPTOM_GROUPS if name != PREGNANCY_GROUP]  # not for this patient
    assert [name for name, _ in groups] == [name for name, _ in shown]
    for (_, html), (_, signs) in zip(groups, shown, strict=True):
        assert re.findall(r'name="symptoms"[^>]*value="([a-z_]+)"', html) == [s.value for s in signs]


def test_default_crisis_contacts_are_988_and_911_inside_the_self_harm_warning(patient_client):
    response = patient_client.post("/diary/new/", {**entry_data(), "symptoms": ["self_harm"]}, follow=True)
    section = finding(response.content.decode(), "self-harm")
    assert "988" in section and "911" in section and "Suicide &amp; Crisis Lifeline" in section


def test_default_crisis_contacts_are_inside_the_item_9_warning(patient_client):
    answers = {f"q{n}": "0" for n in range(1, 10)} | {"q9": "1"}
    response = patient_client.post("/mood-check/", answers, follow=True)
    section = finding(response.content.decode(), "phq9-item9")
    assert "988" in section and "911" in section


def test_a_red_flag_does_not_show_the_crisis_contacts(patient_client):
    response = patient_client.post("/diary/new/", {**entry_data(), "symptoms": ["jaundice"]}, follow=True)
    assert "988" not in finding(response.content.decode(), "red-flag")


@pytest.mark.parametrize("total, band", [(10, "moderate"), (14, "moderate"), (15, "moderately severe"),
                                         (19, "moderately severe")])
def test_phq9_10_to_19_tells_the_patient_to_call_and_names_the_band(patient_client, patient, total, band):
    answers = [3, 3, 3, 3, 3, 3, 3, 0, 0]  # 21, then lowered to the total; item 9 stays 0
    while sum(answers) > total:
        answers[answers.index(max(answers))] -= 1
    patient_client.post("/mood-check/", {f"q{n}": str(a) for n, a in enumerate(answers, start=1)})
    alert = Alert.objects.get(patient=patient, rule_code="phq9-moderate")
    assert sum(answers) == total and f"({band})" in alert.detail
    # As the Medication Guide says (issue 19: urgent, and no "call" without "stop").
    assert alert.advice.startswith("Stop taking isotretinoin and call your prescriber right away")
    assert alert.severity == "urgent"
    assert "next few days" not in alert.advice


# --- Existing databases -------------------------------------------------------------------------

MIGRATION = importlib.import_module("core.migrations.0009_red_flag_symptoms_and_locks")
# The review of issue 15 reworded some of 0009's texts again; 0011 takes them from 0009's wording.
REWORDED = {(code, field): (old, new) for code, field, old, new in
            importlib.import_module("core.migrations.0011_rule_wording_review").TEXTS}
# Issue 19's safety review (0013) rewords some advice once more.
REWORDED_AGAIN = {(code, "advice"): (old, new) for code, old, new, _ in
                  importlib.import_module("core.migrations.0015_safety_review").TEXTS}


def test_the_migration_writes_the_same_texts_as_fresh_installs():
    defaults = {rule["code"]: rule for rule in DEFAULT_RULES}
    for code, field, old, new in MIGRATION.TEXTS:
        for later in (REWORDED, REWORDED_AGAIN):
            if (code, field) in later:
                assert later[(code, field)][0] == new, (code, field)  # a later one picks up the text...
                new = later[(code, field)][1]  # ...and ends on today's default
        assert defaults[code][field] == new, (code, field)
        assert old != new


def test_the_migration_updates_old_defaults_keeps_local_edits_and_restores_the_locks(patient):
    for code, field, old, _ in MIGRATION.TEXTS:
        Rule.objects.filter(code=code).update(**{field: old})
    Rule.objects.filter(code="sunburn").update(advice="Our clinic's own sunburn advice.")
    Rule.objects.filter(code="self-harm").update(enabled=False, severity="info", threshold=3)
    Rule.objects.filter(code="phq9-item9").update(threshold=3)
    item9 = Rule.objects.get(code="phq9-item9")
    silenced = RuleOverride.objects.create(patient=patient, rule=item9, threshold=2)
    today = patient.today()
    stale = Alert.objects.create(patient=patient, first_day=today, last_day=today, source="test-due:2026-01-01",
                                 rule_code="pregnancy-test-due", severity="warning", message="m", advice="a",
                                 learn_url="/learn/pregnancy/#the-pregnancy-prevention-programme")

    MIGRATION.forwards(apps, None)

    defaults = {rule["code"]: rule for rule in DEFAULT_RULES}
    for code, field, _, new in MIGRATION.TEXTS:
        if code != "sunburn":
            assert getattr(Rule.objects.get(code=code), field) == new
    assert Rule.objects.get(code="sunburn").advice == "Our clinic's own sunburn advice."
    self_harm = Rule.objects.get(code="self-harm")
    assert (self_harm.enabled, self_harm.severity, self_harm.threshold) == (True, "urgent", None)
    assert Rule.objects.get(code="phq9-item9").threshold == defaults["phq9-item9"]["threshold"]
    assert not RuleOverride.objects.filter(pk=silenced.pk).exists()
    stale.refresh_from_db()
    assert stale.learn_url == "/learn/pregnancy/#ipledge"
