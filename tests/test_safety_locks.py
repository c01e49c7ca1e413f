"""The safety rules (self-harm, red-flag, phq9-item9, pregnancy-positive) cannot be switched off,
lowered or made harder to trigger: not from the rule admin (a superuser too), not from a
per-patient override (a clinician or a superuser), not by model validation in a shell; their
wording can be edited but not emptied. A denial test for each path, and the edits that stay allowed."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from core import services
from core.models import LOCKED_RULES, Alert, Rule, RuleOverride
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory

pytestmark = pytest.mark.django_db
LOCKED = sorted(LOCKED_RULES)


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "x-Long-pass-99"))
    return client


@pytest.fixture
def clinician_and_patient(client):
    doctor = ClinicianFactory(username="dr_a")
    patient = PatientFactory(user__username="alice")
    patient.clinicians.add(doctor)
    client.force_login(doctor)
    return client, patient


def rule_form(rule: Rule, **changes) -> dict:
    data = {name: "" if value is None else value for name, value in model_to_dict(rule).items()
            if name in {"title", "severity", "notify", "threshold", "run_days", "message", "advice", "learn_slug",
                        "learn_anchor"}}
    if rule.enabled:
        data["enabled"] = "on"
    for name, value in changes.items():
        if name == "enabled":
            data.pop("enabled", None) if not value else data.update(enabled="on")
        else:
            data[name] = value
    return data


def post_rule(client, rule: Rule, **changes):
    return client.post(f"/admin/core/rule/{rule.pk}/change/", rule_form(rule, **changes))


# (changes, the field the message is on) — each makes a safety rule fire less, or not at all.
WEAKER = [
    ({"enabled": False}, "enabled"),
    ({"severity": "warning"}, "severity"),
    ({"severity": "info"}, "severity"),
    ({"run_days": "2"}, "run_days"),
    ({"notify": "digest"}, "notify"),  # issue 23: its clinicians are told at once, always
    ({"notify": "patient"}, "notify"),
]


@pytest.mark.parametrize("code", LOCKED)
@pytest.mark.parametrize("changes, field", WEAKER, ids=["disable", "to-warning", "to-info", "run-days",
                                                              "to-digest", "to-patient"])
def test_a_superuser_cannot_weaken_a_safety_rule_in_the_rule_admin(superuser_client, code, changes, field):
    rule = Rule.objects.get(code=code)
    before = model_to_dict(rule)
    response = post_rule(superuser_client, rule, **changes)
    assert response.status_code == 200  # the form again, with the reason, not a redirect
    errors = response.context["adminform"].form.errors
    assert "This is a safety rule" in " ".join(errors[field])
    rule.refresh_from_db()
    assert model_to_dict(rule) == before


@pytest.mark.parametrize("code, threshold", [("phq9-item9", "2"), ("phq9-item9", "3"), ("phq9-item9", ""),
                                             ("self-harm", "1"), ("red-flag", "5"), ("pregnancy-positive", "1")])
def test_a_superuser_cannot_make_a_safety_rule_harder_to_trigger(superuser_client, code, threshold):
    rule = Rule.objects.get(code=code)
    response = post_rule(superuser_client, rule, threshold=threshold)
    assert response.status_code == 200
    assert "This is a safety rule" in " ".join(response.context["adminform"].form.errors["threshold"])
    rule.refresh_from_db()
    assert rule.threshold == LOCKED_RULES[code]


@pytest.mark.parametrize("code", LOCKED)
@pytest.mark.parametrize("field", ["message", "advice", "title"])
def test_safety_rule_wording_cannot_be_emptied(superuser_client, code, field):
    rule = Rule.objects.get(code=code)
    old = getattr(rule, field)
    response = post_rule(superuser_client, rule, **{field: "   "})
    assert response.status_code == 200 and response.context["adminform"].form.errors[field]
    rule.refresh_from_db()
    assert getattr(rule, field) == old


def test_safety_rule_wording_can_be_edited_and_item_9_made_easier(superuser_client):
    rule = Rule.objects.get(code="self-harm")
    response = post_rule(superuser_client, rule, advice="Get help now, then call your prescriber.")
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.advice == "Get help now, then call your prescriber." and rule.enabled
    item9 = Rule.objects.get(code="phq9-item9")
    assert post_rule(superuser_client, item9, threshold="0").status_code == 302  # easier to trigger: allowed


def test_other_rules_can_still_be_switched_off_by_a_superuser(superuser_client):
    rule = Rule.objects.get(code="sun-unprotected")
    assert post_rule(superuser_client, rule, enabled=False, severity="info").status_code == 302
    rule.refresh_from_db()
    assert not rule.enabled and rule.severity == "info"


def test_a_clinician_cannot_change_any_rule_in_the_rule_admin(clinician_and_patient):
    client, _ = clinician_and_patient
    rule = Rule.objects.get(code="self-harm")
    assert post_rule(client, rule, enabled=False).status_code == 403
    assert Rule.objects.get(code="self-harm").enabled


@pytest.mark.parametrize("code, threshold, run_days", [
    ("phq9-item9", "2", ""), ("phq9-item9", "3", ""), ("phq9-item9", "", "3"),
    ("self-harm", "1", ""), ("red-flag", "1", ""), ("pregnancy-positive", "", "2"),
])
def test_a_clinician_cannot_override_a_safety_rule_to_fire_less(clinician_and_patient, code, threshold, run_days):
    client, patient = clinician_and_patient
    rule = Rule.objects.get(code=code)
    response = client.post("/admin/core/ruleoverride/add/",
                           {"patient": patient.pk, "rule": rule.pk, "threshold": threshold, "run_days": run_days})
    assert response.status_code == 200
    assert "This is a safety rule" in response.content.decode()
    assert not RuleOverride.objects.filter(rule=rule).exists()


def test_a_superuser_cannot_change_an_override_to_silence_item_9(superuser_client):
    patient = PatientFactory(user__username="bob")
    rule = Rule.objects.get(code="phq9-item9")
    override = RuleOverride.objects.create(patient=patient, rule=rule, threshold=1)
    response = superuser_client.post(f"/admin/core/ruleoverride/{override.pk}/change/",
                                     {"patient": patient.pk, "rule": rule.pk, "threshold": "3", "run_days": ""})
    assert response.status_code == 200 and "at most 1" in response.content.decode()
    override.refresh_from_db()
    assert override.threshold == 1


def test_an_override_may_make_item_9_easier_to_trigger(clinician_and_patient):
    client, patient = clinician_and_patient
    rule = Rule.objects.get(code="phq9-item9")
    response = client.post("/admin/core/ruleoverride/add/",
                           {"patient": patient.pk, "rule": rule.pk, "threshold": "0", "run_days": ""})
    assert response.status_code == 302
    assert RuleOverride.objects.get(rule=rule).threshold == 0


@pytest.mark.parametrize("code", LOCKED)
def test_full_clean_refuses_a_weakened_safety_rule_in_a_shell(code):
    rule = Rule.objects.get(code=code)
    rule.enabled, rule.severity, rule.advice, rule.notify = False, "warning", "", "patient"
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()
    assert {"enabled", "severity", "advice", "notify"} <= set(caught.value.message_dict)


def test_full_clean_refuses_an_override_that_silences_item_9():
    override = RuleOverride(patient=PatientFactory(), rule=Rule.objects.get(code="phq9-item9"), threshold=2)
    with pytest.raises(ValidationError, match="at most 1"):
        override.full_clean()


def test_a_row_weakened_behind_validation_still_fires(db):
    """A queryset update skips model validation; the rule still fires, on and urgent."""
    Rule.objects.filter(code="self-harm").update(enabled=False, severity="info", notify="patient")
    patient = PatientFactory()
    services.entry_save(entry=EntryFactory.build(patient=patient, symptoms=["self_harm"]))
    alert = Alert.objects.get(patient=patient, rule_code="self-harm")
    assert (alert.severity, alert.notify) == ("urgent", "now")
    assert Alert.objects.at_once().filter(pk=alert.pk).exists()


def test_an_item_9_override_written_behind_validation_still_fires(db):
    patient = PatientFactory()
    RuleOverride.objects.create(patient=patient, rule=Rule.objects.get(code="phq9-item9"), threshold=3)
    services.mood_check_save(patient=patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 1], on=patient.today())
    assert Alert.objects.filter(patient=patient, rule_code="phq9-item9", severity="urgent").exists()


def test_the_rule_admin_says_which_rules_are_safety_rules_before_an_edit(superuser_client):
    page = superuser_client.get(f"/admin/core/rule/{Rule.objects.get(code='red-flag').pk}/change/").content.decode()
    assert "This is a safety rule" in page
    other = superuser_client.get(f"/admin/core/rule/{Rule.objects.get(code='sunburn').pk}/change/").content.decode()
    assert "This is a safety rule" not in other
