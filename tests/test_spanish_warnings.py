"""Issue 25, the warnings in Spanish: the rules' texts, the texts each alert stores as raised, the
advice for each sign and the crisis contacts, in the reader's language (a patient's, a clinician's);
English where a Spanish text is missing, never a blank; rule codes and data-* attributes unchanged."""

import importlib
import re
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core import rules, services
from core.context_processors import site_settings
from core.default_rules import DEFAULT_RULES
from core.models import Alert, PregnancyTest, Rule, RuleOverride, in_language
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory, entry_data, patient_today

pytestmark = pytest.mark.django_db
TODAY = patient_today()
ENGLISH_CONTACTS = "Call or text 988 (the 988 Suicide &amp; Crisis Lifeline)"


def finding(page: str, code: str) -> str:
    """The HTML of one warning element on a page."""
    match = re.search(rf'<section[^>]*data-warning="{code}".*?</section>', page, re.S)
    assert match, f"no {code} warning on the page"
    return match.group(0)


@pytest.fixture
def spanish_patient(patient):
    patient.language = "es"
    patient.save(update_fields=["language"])
    return patient


def save(patient, day: date = TODAY, **values) -> None:
    services.entry_save(entry=EntryFactory.build(patient=patient, date=day, **values))


# --- What a Spanish-speaking patient reads ------------------------------------------------------


def test_it_shows_a_spanish_patient_a_low_mood_in_spanish_with_988_in_spanish(patient_client, spanish_patient):
    with translation.override("es"):
        response = patient_client.post("/diary/new/", entry_data(mood="2"), follow=True)
    section = finding(response.content.decode(), "mood-low")
    # The public contract is the same in both languages.
    assert 'data-warning="mood-low"' in section and 'data-severity="urgent"' in section
    assert "data-care-team=" in section
    assert "Su estado de ánimo está bajo hoy." in section
    assert "Deje de tomar isotretinoína y llame de inmediato al médico que se la receta" in section
    assert "Estado de ánimo 2" in section
    assert re.search(r"\b\d{1,2} de [a-z]+ de \d{4}\b", section)  # the day, as Spanish writes it
    assert "marque 2" in section and "AYUDA" in section and "911" in section
    assert "Your mood is low today." not in section and ENGLISH_CONTACTS not in section
    assert 'href="/learn/mood/"' in section


def test_an_english_patient_reads_the_same_rule_in_english(patient_client, patient):
    response = patient_client.post("/diary/new/", entry_data(mood="2"), follow=True)
    section = finding(response.content.decode(), "mood-low")
    assert "Your mood is low today." in section and "Mood 2" in section and ENGLISH_CONTACTS in section
    assert "Deje de tomar" not in section and "AYUDA" not in section


def test_an_alert_stores_its_texts_in_both_languages_as_raised(patient):
    save(patient, mood=2, lip_dryness=9)
    mood = Alert.objects.get(patient=patient, rule_code="mood-low")
    assert (mood.message, mood.detail, mood.worst) == ("Your mood is low today.", "Mood 2", "Mood 2")
    assert (mood.message_es, mood.detail_es, mood.worst_es) == ("Su estado de ánimo está bajo hoy.",
                                                                "Estado de ánimo 2", "Estado de ánimo 2")
    assert mood.advice_es.startswith("Deje de tomar isotretinoína")
    dryness = Alert.objects.get(patient=patient, rule_code="dryness-high")
    assert (dryness.detail, dryness.detail_es) == ("Lip dryness 9", "Resequedad de los labios 9")


def test_a_rule_edited_later_leaves_the_alerts_already_raised_as_they_were(patient):
    """Issue 19: an alert keeps the wording it was raised with, in Spanish too."""
    save(patient, mood=2)
    Rule.objects.filter(code="mood-low").update(message_es="Otro texto.", message="Another text.")
    alert = Alert.objects.get(patient=patient, rule_code="mood-low")
    assert (alert.message, alert.message_es) == ("Your mood is low today.", "Su estado de ánimo está bajo hoy.")


def test_a_rule_with_no_spanish_text_shows_the_english_never_a_blank(patient_client, spanish_patient):
    Rule.objects.filter(code="sun-unprotected").update(title_es="", message_es="", advice_es="")
    with translation.override("es"):
        response = patient_client.post("/diary/new/", entry_data(sun_minutes="90"), follow=True)
    section = finding(response.content.decode(), "sun-unprotected")
    assert "You spent a while in the sun without sunscreen." in section
    assert "Isotretinoin makes your skin more sensitive to sunlight" in section
    assert "90 minutos al sol sin protector solar" in section  # the generated line is still Spanish
    alert = Alert.objects.get(rule_code="sun-unprotected")
    with translation.override("es"):
        assert in_language(alert, "message") == "You spent a while in the sun without sunscreen."


@pytest.mark.parametrize("empty", ["", None])
def test_in_language_falls_back_to_english_for_an_empty_or_missing_spanish_text(empty):
    alert = Alert(message="English", message_es=empty)
    for language in ("es", "es-mx", "en", "fr"):
        with translation.override(language):
            assert in_language(alert, "message") == "English"
    alert.message_es = "Español"
    with translation.override("es"):
        assert in_language(alert, "message") == "Español"
    with translation.override("en"):
        assert in_language(alert, "message") == "English"


def test_a_patients_override_raises_the_finding_in_spanish_too(patient_client, spanish_patient):
    RuleOverride.objects.create(patient=spanish_patient, rule=Rule.objects.get(code="dryness-high"), threshold=5)
    with translation.override("es"):
        response = patient_client.post("/diary/new/", entry_data(skin_dryness="6"), follow=True)
    section = finding(response.content.decode(), "dryness-high")
    assert "Su resequedad está alta hoy." in section and "Resequedad de la piel 6" in section
    assert 'data-severity="warning"' in section


def test_each_sign_has_its_own_advice_in_spanish(patient_client, spanish_patient):
    with translation.override("es"):
        response = patient_client.post("/diary/new/", {**entry_data(), "symptoms": ["seizure", "vision"]},
                                       follow=True)
    section = finding(response.content.decode(), "red-flag")
    assert 'data-sign="seizure"' in section and 'data-sign="vision"' in section
    assert "Una convulsión (crisis convulsiva)" in section and "Llame al 911 si es la primera convulsión" in section
    assert "Cualquier cambio en su vista, o dolor de ojos" in section
    assert "Deje de tomar isotretinoína y llame de inmediato al médico que se la receta." in section
    alert = Alert.objects.get(rule_code="red-flag")
    assert alert.detail_es == ("Reportó: Una convulsión (crisis convulsiva); "
                               "Cualquier cambio en su vista, o dolor de ojos")
    assert alert.detail == "Reported: A seizure (convulsion); Any change in your vision, or eye pain"


def test_a_positive_pregnancy_test_has_a_spanish_date(patient):
    services.pregnancy_test_save(test=PregnancyTest(patient=patient, date=date(2026, 12, 6), result="positive"))
    alert = Alert.objects.get(patient=patient, rule_code="pregnancy-positive")
    assert alert.detail == "Positive test on December 6, 2026"
    assert alert.detail_es == "Prueba positiva el 6 de diciembre de 2026"


def test_a_mood_check_finding_is_worded_in_both_languages(patient):
    services.mood_check_save(patient=patient, answers=[2, 2, 2, 2, 2, 1, 1, 1, 0], on=TODAY)
    alert = Alert.objects.get(patient=patient, rule_code="phq9-moderate")
    assert (alert.detail, alert.detail_es) == ("PHQ-9 total 13 (moderate)", "Total del PHQ-9: 13 (moderada)")
    # One Spanish name for the mood check, as on its page and in the menus.
    assert alert.message_es.startswith("Su evaluación del estado de ánimo muestra")
    with translation.override("es"):
        assert str(translation.gettext("Mood check")) == "Evaluación del estado de ánimo"


def test_the_mood_drop_line_keeps_american_numbers_in_spanish(patient):
    for days_ago, mood in ((3, 8), (2, 7), (1, 8)):
        save(patient, TODAY - timedelta(days=days_ago), mood=mood)
    save(patient, mood=4)
    alert = Alert.objects.get(patient=patient, rule_code="mood-drop")
    assert alert.detail_es == "Estado de ánimo 4, frente a un promedio de 7.7 en la semana anterior"


def test_another_patients_spanish_warnings_are_not_shown(patient_client, spanish_patient):
    save(PatientFactory(user__username="someone", language="es"), mood=0, symptoms=["self_harm"])
    with translation.override("es"):
        page = patient_client.get("/").content.decode()
    assert "data-warning=" not in page and "hacerse daño" not in page


# --- Crisis contacts per language ---------------------------------------------------------------


def test_the_crisis_contacts_follow_the_active_language(settings):
    settings.CRISIS_CONTACTS, settings.CRISIS_CONTACTS_ES = "Call 988", "Llame al 988 y marque 2"
    assert site_settings()["CRISIS_CONTACTS"] == "Call 988"
    with translation.override("es"):
        assert site_settings()["CRISIS_CONTACTS"] == "Llame al 988 y marque 2"


def test_the_default_spanish_crisis_contacts_say_how_988_answers_in_spanish():
    from django.conf import settings

    contacts = settings.CRISIS_CONTACTS_ES
    assert "988" in contacts and "marque 2" in contacts and "AYUDA" in contacts and "911" in contacts


def test_the_mood_check_page_shows_the_spanish_contacts(patient_client, spanish_patient, settings):
    settings.CRISIS_CONTACTS_ES = "Llame al 988 y marque 2 para hablar en español"
    with translation.override("es"):
        page = patient_client.get("/mood-check/").content.decode()
    assert "Llame al 988 y marque 2 para hablar en español" in page


# --- The clinician's language -------------------------------------------------------------------


@pytest.fixture
def spanish_alert(spanish_patient, clinician):
    spanish_patient.clinicians.add(clinician)
    save(spanish_patient, mood=2)
    return Alert.objects.get(patient=spanish_patient, rule_code="mood-low")


def test_a_clinician_reads_a_spanish_patients_alert_in_english(client, clinician, spanish_alert):
    client.force_login(clinician)
    page = client.get(f"/admin/core/alert/{spanish_alert.pk}/change/").content.decode()
    assert "Your mood is low today." in page and "Mood 2" in page and "Stop taking isotretinoin" in page
    assert "Su estado de ánimo" not in page and "Estado de ánimo 2" not in page
    listing = client.get("/admin/core/alert/").content.decode()
    assert "Low mood" in listing and "Mood 2" in listing and "Ánimo bajo" not in listing


def test_a_clinician_who_chose_spanish_reads_it_in_spanish(client, clinician, spanish_alert):
    client.force_login(clinician)
    client.post("/i18n/setlang/", {"language": "es", "next": "/admin/"})  # the switch in the admin's footer
    page = client.get(f"/admin/core/alert/{spanish_alert.pk}/change/").content.decode()
    listing = client.get("/admin/core/alert/").content.decode()
    assert "Su estado de ánimo está bajo hoy." in page and "Estado de ánimo 2" in page
    assert "Ánimo bajo" in listing and "mood-low" in listing
    patient_page = client.get(f"/admin/core/patient/{spanish_alert.patient_id}/change/").content.decode()
    assert "Estado de ánimo 2" in patient_page and "Ánimo bajo" in patient_page


def test_the_clinicians_patient_page_shows_the_alerts_in_english(client, clinician, spanish_alert):
    client.force_login(clinician)
    page = client.get(f"/admin/core/patient/{spanish_alert.patient_id}/change/").content.decode()
    assert "Mood 2" in page and "Low mood" in page and "Estado de ánimo" not in page


def test_another_clinician_cannot_read_the_alert_in_either_language(client, spanish_alert):
    client.force_login(ClinicianFactory(username="dr_other"))
    for language in ("en", "es"):
        with translation.override(language):
            response = client.get(f"/admin/core/alert/{spanish_alert.pk}/change/")
            listing = client.get("/admin/core/alert/?acknowledged=all").content.decode()
        assert response.status_code == 404
        assert "Mood 2" not in listing and "Estado de ánimo 2" not in listing


# --- The rules ----------------------------------------------------------------------------------


def test_every_default_rule_has_its_spanish_texts():
    for rule in Rule.objects.all():
        assert rule.title_es.strip() and rule.message_es.strip() and rule.advice_es.strip(), rule.code
    assert {r["code"] for r in DEFAULT_RULES} == set(Rule.objects.values_list("code", flat=True))


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=[r["code"] for r in DEFAULT_RULES])
def test_no_default_rules_spanish_advice_says_less_than_its_english(rule):
    english, spanish = rule["advice"].lower(), rule["advice_es"].lower()
    if "stop taking" in english:
        assert "deje de tomar" in spanish
    if "call" in english:
        assert "llame" in spanish
    assert rules.spanish_advice_error(rule["advice"], rule["advice_es"]) is None
    assert rules.minimum_severity_es(rule["advice_es"]) == rules.minimum_severity(rule["advice"])
    Rule(**rule).clean()


@pytest.mark.parametrize("advice_es, field", [
    ("Llame de inmediato a su médico.", "advice_es"),  # the English says to stop: urgent
    ("Si le duele, deje de tomar isotretinoína y llame a su médico.", "advice_es"),  # a condition: not a stop
    ("Descanse.", "advice_es"),
])
def test_spanish_advice_cannot_weaken_a_stop_rule(advice_es, field):
    rule = Rule.objects.get(code="mood-persistent-low")
    rule.advice_es = advice_es
    with pytest.raises(ValidationError) as raised:
        rule.clean()
    assert field in raised.value.message_dict


def test_spanish_advice_cannot_drop_the_call_of_a_warning_rule():
    rule = Rule.objects.get(code="dryness-persistent")
    rule.advice_es = "Póngase crema humectante."
    with pytest.raises(ValidationError) as raised:
        rule.clean()
    assert "advice_es" in raised.value.message_dict


def test_spanish_advice_saying_more_than_the_severity_allows_is_refused():
    rule = Rule.objects.get(code="sun-unprotected")  # a warning; its English advice calls for "info"
    rule.advice_es = "Deje de tomar isotretinoína y llame de inmediato al médico que se la receta."
    with pytest.raises(ValidationError) as raised:
        rule.clean()
    assert "severity" in raised.value.message_dict


def test_the_severity_is_still_read_on_the_english_advice():
    assert rules.minimum_severity("Deje de tomar isotretinoína y llame a su médico.") == "info"
    assert rules.minimum_severity_es("Deje de tomar isotretinoína y llame a su médico.") == "urgent"
    assert rules.minimum_severity_es("Si le duelen los ojos, deje de tomar isotretinoína y llame.") == "warning"
    assert rules.minimum_severity_es("Descanse y tome agua.") == "info"


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "x-Long-pass-99"))
    return client


def rule_form(rule: Rule, **changes) -> dict:
    fields = ["title", "severity", "notify", "threshold", "run_days", "message", "advice", "learn_slug",
              "learn_anchor", "title_es", "message_es", "advice_es"]
    data = {name: "" if getattr(rule, name) is None else getattr(rule, name) for name in fields}
    data["enabled"] = "on" if rule.enabled else ""
    return {**data, **changes}


def test_the_rule_admin_shows_both_languages_and_keeps_the_spanish_on_an_edit(superuser_client):
    rule = Rule.objects.get(code="dryness-high")
    page = superuser_client.get(f"/admin/core/rule/{rule.pk}/change/").content.decode()
    assert 'name="title_es"' in page and 'name="message_es"' in page and 'name="advice_es"' in page
    assert "Resequedad alta" in page
    response = superuser_client.post(f"/admin/core/rule/{rule.pk}/change/", rule_form(rule, threshold="8"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == 8 and rule.title_es == "Resequedad alta"
    assert rule.advice_es.startswith("Póngase crema humectante")


def test_the_rule_admin_allows_an_empty_spanish_text_but_not_an_empty_english_one(superuser_client):
    rule = Rule.objects.get(code="sunburn")
    response = superuser_client.post(f"/admin/core/rule/{rule.pk}/change/", rule_form(rule, message_es=""))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.message_es == ""
    response = superuser_client.post(f"/admin/core/rule/{rule.pk}/change/", rule_form(rule, message=""))
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    rule.refresh_from_db()
    assert rule.message == "You reported sunburn."


def test_the_rule_admin_refuses_spanish_advice_that_weakens_a_rule(superuser_client):
    rule = Rule.objects.get(code="mood-low")
    response = superuser_client.post(f"/admin/core/rule/{rule.pk}/change/",
                                     rule_form(rule, advice_es="Descanse y hable con alguien."))
    assert response.status_code == 200
    assert "the Spanish must say so too" in response.content.decode()
    rule.refresh_from_db()
    assert rule.advice_es.startswith("Deje de tomar isotretinoína")


def test_a_clinician_cannot_edit_a_rules_spanish(client, clinician):
    client.force_login(clinician)
    rule = Rule.objects.get(code="mood-low")
    response = client.post(f"/admin/core/rule/{rule.pk}/change/", rule_form(rule, advice_es="Descanse."))
    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.advice_es.startswith("Deje de tomar isotretinoína")


# --- The upgrade --------------------------------------------------------------------------------

SPANISH_MIGRATION = importlib.import_module("core.migrations.0021_rule_and_alert_spanish")


def test_the_upgrade_translates_the_default_texts_and_leaves_a_clinics_own_english_alone(patient):
    save(patient, mood=2)
    save(patient, TODAY - timedelta(days=1), sun_minutes=90)
    Rule.objects.update(title_es="", message_es="", advice_es="")  # as the columns are added
    Rule.objects.filter(code="sunburn").update(advice="Our clinic's own words.")
    Alert.objects.update(message_es=None, advice_es=None, detail_es=None, worst_es=None)
    Alert.objects.filter(rule_code="sun-unprotected").update(message="An older wording.")

    SPANISH_MIGRATION.forwards(apps, None)

    sunburn = Rule.objects.get(code="sunburn")
    assert (sunburn.title_es, sunburn.message_es) == ("Quemadura de sol", "Usted reportó una quemadura de sol.")
    assert sunburn.advice_es == ""  # the clinic's English is shown until someone translates it
    assert Rule.objects.get(code="mood-low").advice_es.startswith("Deje de tomar isotretinoína")
    mood = Alert.objects.get(rule_code="mood-low")
    assert (mood.message_es, mood.detail_es) == ("Su estado de ánimo está bajo hoy.", None)
    sun = Alert.objects.get(rule_code="sun-unprotected")
    assert sun.message_es is None and sun.advice_es.startswith("La isotretinoína hace que su piel")
    with translation.override("es"):
        assert (in_language(sun, "message"), in_language(sun, "detail")) == (
            "An older wording.", "90 minutes in the sun without sunscreen")


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx, translation.override("es"):
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_the_spanish_findings_cost_no_query_per_alert(patient_client, spanish_patient):
    save(spanish_patient, mood=2)
    one = dashboard_queries(patient_client)
    save(spanish_patient, TODAY - timedelta(days=2), lip_dryness=9, sunburn="mild", symptoms=["vision"])
    save(spanish_patient, TODAY - timedelta(days=4), sun_minutes=90)
    assert Alert.objects.filter(patient=spanish_patient).count() >= 5
    assert dashboard_queries(patient_client) == one
