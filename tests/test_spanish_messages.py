"""Issue 25, part B: what a patient reads that comes from Python is in their language. Reminder and
task e-mails, push messages, the account e-mails (a second factor, a reused address, the password
reset) go out in the patient's language (Patient.language) whatever the language of the page or run
that sends them; e-mails to clinicians stay in English. Form errors, the chart and the mood check's
note in Spanish for a Spanish request. The PHQ items themselves stay in English (core/course.py)."""

import json
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

from django.core import mail
from django.core.management import call_command
from django.utils import translation
from post_office.models import Email

from core import accounts, notifications, push, selectors, services, twofactor
from core.charts import build_chart
from core.course import PHQ_ANSWERS, PHQ_ITEMS
from core.forms import EntryForm, PregnancyTestForm
from core.models import SIGN_ADVICE, STOP_AND_CALL, PushSubscription
from tests import test_notifications, test_reminders_push
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory, entry_data, patient_today
from tests.test_notifications import red_flag
from tests.test_reminders_push import run, subscribed

mailer, service = test_notifications.mailer, test_reminders_push.service  # their fixtures, here too

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale/es/LC_MESSAGES/django.po"
SPANISH_REMINDER = "Es hora de escribir el registro de hoy"
ENGLISH_REMINDER = "Time for today's entry"
# Words that would tell someone reading a lock screen or an inbox what the message is about.
HEALTH_WORDS = ("isotretino", "accutane", "acné", "acne", "embaraz", "pregnan", "ánimo", "mood", "dosis", "dose",
                "reseca", "piel", "skin")


def setup_module():
    """The .mo is built at set-up (README) and never committed; these tests need it."""
    if not PO.with_suffix(".mo").exists():
        call_command("compilemessages", locale=["es"], ignore_patterns=[".venv"], verbosity=0)


def speaking(language: str, **kwargs):
    patient = PatientFactory(**kwargs)
    patient.language = language
    patient.save(update_fields=["language"])
    return patient


def due(patient):
    patient.reminder_time = "20:30"
    patient.save(update_fields=["reminder_time"])
    return patient


# --- Reminders: e-mail and push ----------------------------------------------------------------


def test_it_e_mails_each_patient_their_reminder_in_their_own_language_in_one_run(db, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""  # no push: everyone by e-mail
    spanish = due(speaking("es", user__email="ana@mail.example"))
    english = due(speaking("en", user__email="bob@mail.example"))
    assert run() == "2 reminders sent.\n"
    by_address = {m.to[0]: m for m in mail.outbox}
    es, en = by_address[spanish.user.email], by_address[english.user.email]
    assert es.subject == SPANISH_REMINDER
    assert es.body.startswith("Hola:\n\nLe recordamos escribir el registro de hoy: ")
    assert "Puede cambiar o desactivar estos recordatorios en su perfil." in es.body
    assert en.subject == ENGLISH_REMINDER
    assert en.body.startswith("Hello,\n\nA reminder to write today's entry: ")
    for message in (es, en):
        assert "/diary/new/" in message.body
        for word in HEALTH_WORDS:
            assert word not in (message.subject + message.body).lower()


def test_it_pushes_each_patient_their_reminder_in_their_own_language(db, service):
    spanish, english = due(speaking("es")), due(speaking("en"))
    _, spanish_browser = subscribed(spanish, service, "/push/es")
    _, english_browser = subscribed(english, service, "/push/en")
    assert run() == "2 reminders sent.\n"
    bodies = {request.path: request.body for request in service.received}
    assert spanish_browser.decrypt(bodies["/push/es"]) == {"title": SPANISH_REMINDER, "url": "/diary/new/"}
    assert english_browser.decrypt(bodies["/push/en"]) == {"title": ENGLISH_REMINDER, "url": "/diary/new/"}
    assert mail.outbox == []


def test_the_push_message_follows_the_patient_not_the_language_active_when_sent(db, service):
    patient = due(speaking("en"))
    _, browser = subscribed(patient, service)
    with translation.override("es"):  # e.g. a run started from a Spanish page or shell
        run()
    [request] = service.received
    assert browser.decrypt(request.body)["title"] == ENGLISH_REMINDER


def test_the_task_e_mail_of_a_due_pregnancy_test_is_in_the_patients_language(db, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    spanish = speaking("es", can_become_pregnant=True, user__email="ana@mail.example")
    english = speaking("en", can_become_pregnant=True, user__email="bob@mail.example")
    run()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[spanish.user.email].subject == "Tiene algo pendiente en su diario"
    assert "Inicie sesión para verlo: " in by_address[spanish.user.email].body
    assert by_address[english.user.email].subject == "Something to do in your diary"


def test_the_payload_in_each_language():
    assert json.loads(push.payload("es")) == {"title": SPANISH_REMINDER, "url": "/diary/new/"}
    assert json.loads(push.payload("en")) == {"title": ENGLISH_REMINDER, "url": "/diary/new/"}


# --- Account e-mails ---------------------------------------------------------------------------


def test_the_second_factor_notice_is_in_the_owners_language_not_the_admins(db):
    spanish, english = speaking("es", user__email="ana@mail.example"), speaking("en", user__email="bob@mail.example")
    with translation.override("en"):  # a superuser resetting it from an English admin
        twofactor.tell_owner(spanish.user, twofactor.RESET)
    with translation.override("es"):
        twofactor.tell_owner(english.user, twofactor.RESET)
    by_address = {e.to[0]: e for e in Email.objects.all()}
    es, en = by_address["ana@mail.example"], by_address["bob@mail.example"]
    assert es.subject == "Se restableció la verificación en dos pasos en su cuenta"
    assert es.message.startswith(f"Un administrador restableció la verificación en dos pasos en su cuenta "
                                 f"({spanish.user.username})")
    assert en.subject == "Two-factor sign-in was reset on your account"


def test_a_staff_account_gets_its_notice_in_english(db):
    clinician = ClinicianFactory(email="dr@clinic.example")
    with translation.override("es"):
        twofactor.tell_owner(clinician, twofactor.ENROLLED)
    assert Email.objects.get().subject == "Two-factor sign-in was set up on your account"


def test_the_address_reused_e_mail_is_in_the_language_of_the_account_already_there(db):
    owner = speaking("es", user__email="shared@mail.example")
    newcomer = PatientFactory(user__email="Shared@mail.example")  # an English page signed them up
    accounts.address_reused(newcomer.user)
    email = Email.objects.get()
    assert email.to == [owner.user.email]
    assert email.subject == "Una cuenta nueva con su dirección de correo electrónico"
    assert "Alguien acaba de crear una cuenta nueva con esta dirección" in email.message
    assert "/accounts/password_reset/" in email.message


def test_the_password_reset_e_mail_is_in_the_language_of_the_account(client, db):
    spanish, english = speaking("es", user__email="ana@mail.example"), speaking("en", user__email="bob@mail.example")
    for patient in (spanish, english):
        assert client.post("/accounts/password_reset/", {"email": patient.user.email},
                           HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "Ha recibido este correo electrónico porque ha solicitado restablecer la contraseña" in \
        by_address["ana@mail.example"].body  # Django's own Spanish
    assert "You're receiving this email because you requested a password reset" in by_address["bob@mail.example"].body
    for message in mail.outbox:
        assert "/accounts/reset/" in message.body


# --- Clinicians stay in English ----------------------------------------------------------------


def test_a_clinicians_e_mail_is_english_though_the_patient_reads_spanish(db, mailer):
    doctor = ClinicianFactory(email="house@clinic.example")
    patient = speaking("es")
    patient.clinicians.add(doctor)
    with translation.override("es"):  # the patient's Spanish request raised the alert
        red_flag(patient)
    notifications.run()
    [message] = [m for m in mail.outbox if m.to == [doctor.email]]
    assert message.subject == "A new urgent alert"
    assert message.body.startswith("A patient assigned to you has a new urgent alert in isodiary.")


# --- Forms, pages and charts in Spanish --------------------------------------------------------


def spanish_client(client, patient):
    patient.language = "es"
    patient.save(update_fields=["language"])
    client.force_login(patient.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    return client


def test_the_entry_forms_errors_are_in_spanish_for_a_spanish_request(client, patient):
    spanish_client(client, patient)
    data = entry_data(date="2026-02-30", anything_unusual="")
    with translation.override("es"):
        response = client.post("/diary/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Responda sí o no." in html
    assert "Introduzca una fecha válida." in html  # Django's own Spanish
    assert "Answer yes or no." not in html


def test_the_entry_form_in_spanish_future_and_duplicate_days(patient):
    EntryFactory(patient=patient, date=patient.today())
    with translation.override("es"):
        future = EntryForm(entry_data(date=(patient.today() + timedelta(days=1)).isoformat()), patient=patient)
        twice = EntryForm(entry_data(date=patient.today().isoformat()), patient=patient)
        early = EntryForm(entry_data(date="1999-12-31"), patient=patient)
        assert future.errors["date"] == ["La fecha no puede ser en el futuro."]
        assert twice.errors["date"][0].startswith("Ya tiene un registro del ")
        assert "Abra ese registro</a> para cambiarlo." in twice.errors["date"][0]
        assert early.errors["date"] == ["Elija una fecha entre el 1 de enero de 2000 y hoy."]
        assert EntryForm(patient=patient).fields["symptoms"].label == "¿Tiene hoy alguno de estos?"


def test_the_same_errors_stay_english_for_an_english_request(patient):
    form = EntryForm(entry_data(date="1999-12-31", anything_unusual=""), patient=patient)
    assert form.errors["date"] == ["Choose a date from January 1, 2000 to today."]
    assert form.errors["anything_unusual"] == ["Answer yes or no."]


def test_the_symptom_list_and_pregnancy_test_form_in_spanish(patient):
    with translation.override("es"):
        groups = dict(EntryForm(patient=patient).fields["symptoms"].widget.choices)
        assert dict(groups["Cabeza, ojos y oídos"])["vision"] == "Cualquier cambio en su vista, o dolor de ojos"
        form = PregnancyTestForm(patient=patient)
        assert [str(label) for value, label in form.fields["result"].choices if value] == ["Negativo", "Positivo"]


def test_the_chart_in_spanish(db):
    start, end = date(2026, 11, 8), date(2026, 12, 7)
    with translation.override("es"):
        empty = build_chart([], start, end)
        assert empty.period == "del 8 de noviembre al 7 de diciembre de 2026"
        assert "No hay registros en este período." in empty.table_rows
        legend = empty.legend_items
        for label in ("Resequedad de la piel", "Resequedad de los labios", "Resequedad de los ojos",
                      "Estado de ánimo"):
            assert label in legend
        row = EntryFactory.build(date=end)
        assert "lun, 7 de diciembre" in build_chart([row], start, end).table_rows
    english = build_chart([], start, end)
    assert english.period == "November 8 to December 7, 2026" and "Skin dryness" in english.legend_items


def test_the_diary_list_in_spanish(client, patient):
    spanish_client(client, patient)
    EntryFactory(patient=patient, sun_minutes=30, sunscreen=True)
    with translation.override("es"):
        html = client.get("/diary/").content.decode()
    assert "30 min, protector solar" in html


def test_the_mood_check_keeps_the_english_instrument_and_says_why_in_spanish(client, patient):
    spanish_client(client, patient)
    with translation.override("es"):
        html = client.get("/mood-check/").content.decode()
    assert "Estas preguntas están en inglés. Su versión oficial en español debe usarse palabra por palabra" in html
    for item in PHQ_ITEMS[:2]:
        assert item in html
    for _, answer in PHQ_ANSWERS:
        assert answer in html


def test_no_note_on_the_english_mood_check(patient_client):
    html = patient_client.get("/mood-check/").content.decode()
    assert "Estas preguntas" not in html and "palabra por palabra" not in html
    assert "Little interest or pleasure in doing things" in html


def test_the_mood_check_thanks_in_spanish_with_a_spanish_band(client, patient):
    spanish_client(client, patient)
    with translation.override("es"):
        response = client.post("/mood-check/", {"q1": "0", "q2": "1"}, follow=True)
    assert "Gracias. Su evaluación del estado de ánimo quedó guardada (resultado: PHQ-2 negativo)." in \
        response.content.decode()
    assert patient.mood_checks.get().band == "PHQ-2 negative"  # the stored record stays English


def test_a_push_subscription_error_in_spanish_and_no_other_patients_device_removed(client, patient, other_patient):
    theirs = PushSubscription.objects.create(patient=other_patient, endpoint="https://push.example/theirs",
                                             p256dh="x", auth="y")
    spanish_client(client, patient)
    with translation.override("es"):
        response = client.post("/accounts/push/unsubscribe/", {"endpoint": theirs.endpoint},
                               content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {"error": "Ese dispositivo ya se había quitado."}
    assert PushSubscription.objects.filter(pk=theirs.pk).exists()


def test_a_profile_save_says_so_in_spanish(client, patient):
    spanish_client(client, patient)
    with translation.override("es"):
        response = client.post("/accounts/profile/", {
            "display_name": "Ana", "time_zone": "America/Chicago", "weight_unit": "lb", "language": "es",
            "weight": "10",
        })
    assert response.status_code == 400
    assert "Escriba un peso de 45 a 660 lb, o déjelo vacío." in response.content.decode()


# --- The catalog -------------------------------------------------------------------------------

# The files of part B: every string marked in them has a Spanish translation, none fuzzy. The
# warnings' advice (SIGN_ADVICE, in core/models/diary.py) is part C's.
PART_B_FILES = [
    "core/forms.py", "core/views.py", "core/account_views.py", "core/course_views.py", "core/push_views.py",
    "core/course.py", "core/charts.py", "core/models/diary.py", "core/models/patients.py", "core/models/course.py",
    "core/access.py", "core/accounts.py", "core/twofactor.py", "core/reminders.py", "core/push.py", "core/dates.py",
    "core/management/commands/send_reminders.py",
]


def po_entries() -> list[tuple[list[str], str, list[str], bool]]:
    """(locations, msgid, msgstrs, fuzzy) of each entry of the Spanish catalog."""
    entries = []
    for block in PO.read_text().split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            locations = [loc for line in block.splitlines() if line.startswith("#: ") for loc in line[3:].split()]
            fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
            entries.append((locations, fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")],
                            fuzzy))
    return entries


def test_every_string_of_part_b_is_translated_and_none_is_fuzzy():
    others = {str(text) for text in [*SIGN_ADVICE.values(), STOP_AND_CALL]}
    mine = [(msgid, msgstrs, fuzzy) for locations, msgid, msgstrs, fuzzy in po_entries()
            if set(locations) & set(PART_B_FILES) and msgid.replace("\\n", "\n") not in others]
    assert len(mine) > 200
    assert [msgid for msgid, msgstrs, fuzzy in mine if fuzzy or not all(msgstrs)] == []


def test_the_phq_instrument_is_not_marked_for_translation():
    msgids = {msgid for _, msgid, _, _ in po_entries()}
    assert not msgids & {*PHQ_ITEMS, *(answer for _, answer in PHQ_ANSWERS)}


def test_the_catalog_is_current():
    """makemessages finds nothing in part B's files that the catalog lacks."""
    marked = subprocess.run(
        ["xgettext", "--language=Python", "--from-code=UTF-8", "--keyword=_", "--keyword=gettext",
         "--keyword=gettext_lazy", "--keyword=ngettext:1,2", "--keyword=pgettext:1c,2", "--keyword=pgettext_lazy:1c,2",
         "--output=-",
         *[str(ROOT / path) for path in PART_B_FILES]],
        capture_output=True, text=True, check=True,
    ).stdout
    found = {m.replace('"\n"', "") for m in re.findall(r'^msgid ((?:".*"\n)+)', marked, flags=re.M)}
    found = {"".join(re.findall(r'"(.*)"', m)) for m in found} - {""}
    assert found - {msgid for _, msgid, _, _ in po_entries()} == set()


# --- What is stored stays English ----------------------------------------------------------------


def test_a_spanish_save_stores_the_alerts_detail_in_english_for_the_clinician(client, patient):
    spanish_client(client, patient)
    patient.can_become_pregnant = True
    patient.save(update_fields=["can_become_pregnant"])
    with translation.override("es"):
        client.post("/diary/new/", {**entry_data(), "symptoms": ["jaundice"]})
        client.post("/pregnancy/", {"log_test": "1", "date": patient.today().isoformat(), "result": "positive"})
    details = dict(patient.alerts.values_list("rule_code", "detail"))
    assert details["red-flag"] == "Reported: Yellow skin or eyes, or dark urine"
    assert details["pregnancy-positive"].startswith("Positive test on ")
    assert " de " not in details["pregnancy-positive"]


def test_the_next_pregnancy_test_reads_in_spanish_on_a_spanish_page(db):
    today = patient_today()  # the patient's day, not the machine's
    patient = speaking("es", can_become_pregnant=True, course_start=today + timedelta(days=30))
    with translation.override("es"):
        due = selectors.next_pregnancy_test(patient, today)
        assert due.reason == "primera prueba antes de empezar, en un centro médico"
        services.course_alerts_sync(patient, due.due + timedelta(days=1))  # missed: the warning is raised
    detail = patient.alerts.get(rule_code="pregnancy-test-due").detail
    assert detail.endswith("(first test before you start, in a medical setting)")
