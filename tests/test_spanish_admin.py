"""The admin in Spanish (issue 25): a clinician who chose Spanish with the language switch reads the
project's own admin text in Spanish (column and filter titles, actions, labels, messages); one who
did not reads it in English, whatever their browser asks for."""

import pytest

from core import services
from core.models import Alert, MoodCheck, PregnancyTest, Rule, RuleOverride
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory, patient_today
from tests.pages import html

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor():
    doctor = ClinicianFactory(username="dr_es")
    patient = PatientFactory(user__username="tess", display_name="Tess")
    patient.clinicians.add(doctor)
    services.entry_save(entry=EntryFactory.build(patient=patient, date=patient_today(), sunburn="blistering"))
    return doctor


@pytest.fixture
def alert(doctor):
    return Alert.objects.get(rule_code="sunburn-blistering")


def signed_in(client, doctor, language=None):
    client.force_login(doctor)
    if language:
        response = client.post("/i18n/setlang/", {"language": language, "next": "/admin/"})
        assert response.status_code == 302
    return client


def page(client, url, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return " ".join(html(response).split())


# Each admin page: what it says in Spanish, and the English it said before.
PAGES = {
    "patients": (
        "/admin/core/patient/",
        ["Necesita atención", "Avisos abiertos", "Días con registro (14)", "Día del tratamiento",
         "Último registro", "Por alerta urgente abierta", "Tiene una alerta urgente abierta",
         "Sin registros en 3 días o más", "Por profesional de salud asignado", "urgente</span> desde el",
         "Descargar en CSV los registros de los pacientes seleccionados"],
        ["Needs attention", "Open findings", "Days logged", "Course day", "Last entry", "open urgent alert",
         "No entry for 3+ days", "assigned clinician", "urgent</span> since",
         "Download entries of the selected patients"],
    ),
    "alert queue": (
        "/admin/core/alert/",
        ["Cola de alertas", "Gravedad", ">Paciente<", ">Días<", "Último valor", "Correo al profesional de salud",
         "Estado", "Por revisada", "Por gravedad", "Por regla", "No: abierta",
         "Solo para el paciente (nada que marcar como revisado)", "Marcar como revisadas con un resultado…",
         "abierta</td>"],
        ["Alert queue", "Latest value", ">Patient<", ">Days<", "Clinician e-mailed", "No: open", "For the patient only",
         "Acknowledge with an outcome", "open</td>", "By acknowledged", "By severity"],
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_lists_in_spanish_for_a_clinician_who_chose_it(client, doctor, alert, name):
    url, spanish, english = PAGES[name]
    html = page(signed_in(client, doctor, "es"), url)
    for text in spanish:
        assert text in html, text
    for text in english:
        assert text not in html, text


@pytest.mark.parametrize("name", PAGES)
def test_lists_in_english_for_a_clinician_who_did_not_choose(client, doctor, alert, name):
    # A browser asking for Spanish does not choose for staff: only the switch does (core/language.py).
    url, spanish, english = PAGES[name]
    html = page(signed_in(client, doctor), url, HTTP_ACCEPT_LANGUAGE="es")
    for text in english[:4]:
        assert text in html, text
    for text in spanish[:4]:
        assert text not in html, text


def test_patient_and_alert_pages_in_spanish(client, doctor, alert):
    signed_in(client, doctor, "es")
    html = page(client, f"/admin/core/patient/{alert.patient_id}/change/")
    assert "Paciente: Tess" in html
    assert "Meta acumulada desde (mg/kg)" in html
    assert 'iso-urgent">urgente</span>' in html
    assert "Patient: Tess" not in html and "Cumulative target from" not in html

    html = page(client, f"/admin/core/alert/{alert.pk}/change/")
    for text in ["Paciente:", "Código de la regla:", "Gravedad:", "Primer día", "Último día", "A quién se avisa",
                 "Días:", "Mensaje", "Consejo", "Peor valor", "Creada el:", "Correo en cola", "Revisada por:",
                 "Resultado:", "Nota:", "Urgente"]:
        assert text in html, text
    for text in ["Patient:", "Rule code", "Severity", "First day", "Last day", "Who is told", "Worst value",
                 "Created at", "E-mail queued", "Acknowledged by", "Outcome:", "Note:"]:
        assert text not in html, text


def test_patient_and_alert_pages_in_english_by_default(client, doctor, alert):
    signed_in(client, doctor)
    html = page(client, f"/admin/core/patient/{alert.patient_id}/change/")
    assert "Patient: Tess" in html and "Cumulative target from (mg/kg)" in html
    assert 'iso-urgent">urgent</span>' in html and "Paciente: Tess" not in html
    html = page(client, f"/admin/core/alert/{alert.pk}/change/")
    for text in ["Patient:", "Rule code:", "Severity:", "First day", "Days:", "Who is told", "Created at:",
                 "Acknowledged by:", "Outcome:", "Note:"]:
        assert text in html, text
    assert "Primer día" not in html and "Creada el" not in html


def test_acknowledging_in_spanish(client, doctor, alert):
    signed_in(client, doctor, "es")
    url = f"/admin/core/alert/{alert.pk}/acknowledge/"
    html = page(client, url)
    assert "Se contactó al paciente" in html and "Revisada, sin acción" in html
    assert "Opcional. La ven los profesionales de salud" in html
    assert "Contacted the patient" not in html and "Optional." not in html

    response = client.post(url, {"outcome": "contacted"}, follow=True)
    assert "Alerta marcada como revisada." in response.content.decode()
    html = page(client, "/admin/core/alert/?acknowledged=yes")
    assert "revisada por dr_es" in html and "acknowledged by" not in html


def test_acknowledging_in_english_by_default(client, doctor, alert):
    signed_in(client, doctor)
    response = client.post(f"/admin/core/alert/{alert.pk}/acknowledge/", {"outcome": "contacted"}, follow=True)
    html = response.content.decode()
    assert "Alert acknowledged." in html and "Alerta marcada" not in html


@pytest.fixture
def records(doctor, alert):
    """One of each record a clinician lists: a mood check, a pregnancy test and a threshold override."""
    patient = alert.patient
    services.mood_check_save(patient=patient, answers=[1, 1, *[None] * 7], on=patient_today())
    services.pregnancy_test_save(test=PregnancyTest(patient=patient, date=patient_today(), result="negative"))
    RuleOverride.objects.create(patient=patient, rule=Rule.objects.get(code="dryness-persistent"), threshold=8,
                                run_days=4, set_by=doctor)
    return patient


# The column titles of the lists of records, from the models' own field names: Spanish for a clinician
# who chose it, the English they always were for one who did not.
RECORD_LISTS = {
    "/admin/core/diaryentry/": ([">Paciente<", ">Fecha<", ">Quemadura de sol<"], [">Patient<", ">Date<", ">Sunburn<"]),
    "/admin/core/moodcheck/": ([">Paciente<", ">Fecha<", ">Nivel<"], [">Patient<", ">Date<", ">Band<"]),
    "/admin/core/pregnancytest/": ([">Paciente<", ">Fecha<", ">Resultado<"], [">Patient<", ">Date<", ">Result<"]),
    "/admin/core/ruleoverride/": ([">Paciente<", ">Regla<", ">Umbral<", ">Días seguidos<", ">Fijado por<",
                                   ">Última modificación<"],
                                  [">Patient<", ">Rule<", ">Threshold<", ">Run days<", ">Set by<", ">Updated at<"]),
}


@pytest.mark.parametrize("url", RECORD_LISTS)
def test_record_lists_name_their_columns_in_the_clinicians_language(client, doctor, records, url):
    spanish, english = RECORD_LISTS[url]
    html = page(signed_in(client, doctor, "es"), url)
    for text in spanish:
        assert text in html, text
    for text in english:
        assert text not in html, text
    html = page(signed_in(client, doctor, "en"), url)
    for text in english:
        assert text in html, text
    for text in spanish:
        assert text not in html, text


def test_the_patient_page_names_the_clinicians_in_spanish(client, doctor, alert):
    html = page(signed_in(client, doctor, "es"), f"/admin/core/patient/{alert.patient_id}/change/")
    assert "Profesionales de salud:" in html and "Clinicians:" not in html
    html = page(signed_in(client, doctor, "en"), f"/admin/core/patient/{alert.patient_id}/change/")
    assert "Clinicians:" in html and "Profesionales de salud:" not in html


def test_another_clinicians_patient_stays_hidden_in_spanish(client, doctor, alert):
    # The denial is the same in either language: a clinician who is not the patient's gets a 404.
    stranger = ClinicianFactory(username="dr_other")
    signed_in(client, stranger, "es")
    assert client.get(f"/admin/core/patient/{alert.patient_id}/change/").status_code == 404
    assert client.get(f"/admin/core/alert/{alert.pk}/change/").status_code == 404
    assert "Tess" not in page(client, "/admin/core/patient/")


@pytest.mark.parametrize("language, said, not_said", [
    ("es", ["Esta es una regla de seguridad", "Su umbral puede ser como máximo 1."],
     ["This is a safety rule", "at most 1"]),
    (None, ["This is a safety rule", "Its threshold can be at most 1."], ["Esta es una regla de seguridad"]),
])
def test_a_refused_override_says_why_in_the_clinicians_language(client, doctor, alert, language, said, not_said):
    signed_in(client, doctor, language)
    rule = Rule.objects.get(code="phq9-item9")
    response = client.post("/admin/core/ruleoverride/add/",
                           {"patient": alert.patient_id, "rule": rule.pk, "threshold": "3", "run_days": ""})
    assert response.status_code == 200
    assert not RuleOverride.objects.exists()
    html = " ".join(response.content.decode().split())
    for text in said:
        assert text in html, text
    for text in not_said:
        assert text not in html, text
    if language:
        html = page(client, "/admin/core/ruleoverride/")
        assert "Por regla" in html and "Por paciente" in html and "By rule" not in html


def test_mood_check_bands_and_test_results_are_in_the_clinicians_language(client, doctor, records):
    """Stored in English; the lists, their filters and the patient's page show them in the reader's
    language."""
    assert MoodCheck.objects.get(patient=records).band == "PHQ-2 negative"
    records.can_become_pregnant = True  # the patient page lists the tests then
    records.save()
    patient_page = f"/admin/core/patient/{records.pk}/change/"
    signed_in(client, doctor, "es")
    assert page(client, "/admin/core/moodcheck/").count("PHQ-2 negativo") >= 2  # the row and the filter
    assert page(client, "/admin/core/pregnancytest/").count(">Negativo<") >= 1
    html = page(client, patient_page)
    assert "<td>PHQ-2 negativo</td>" in html and "<td>Negativo</td>" in html
    for url in ["/admin/core/moodcheck/", patient_page]:
        assert "PHQ-2 negative" not in page(client, url)
    signed_in(client, doctor, "en")
    assert page(client, "/admin/core/moodcheck/").count("PHQ-2 negative") >= 2
    html = page(client, patient_page)
    assert "<td>PHQ-2 negative</td>" in html and "<td>Negative</td>" in html and "negativo" not in html.lower()
