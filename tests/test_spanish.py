"""Spanish (issue 25): who sees which language, the switch on every page, the admin's own choice,
the page cache keeping the two languages apart, and no English left on a Spanish page.

Needs the compiled catalog (locale/es/LC_MESSAGES/django.mo): `make` compiles it (README)."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from core import services, views
from core.models import Patient
from core.versions import patient_fragment
from tests.conftest import Client
from tests.factories import PASSWORD, EntryFactory, PatientFactory, patient_today

COOKIE = settings.LANGUAGE_COOKIE_NAME
SWITCH = re.compile(r'<form[^>]*method="post"[^>]*action="/i18n/setlang/".*?<select[^>]*name="language"', re.S)


def lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


# --- Visitors -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_a_visitor_the_language_their_browser_asks_for(client):
    spanish = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert lang(spanish) == "es" and spanish["Content-Language"] == "es"
    assert "Iniciar sesión" in spanish.content.decode() and "Sign in" not in spanish.content.decode()
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert lang(english) == "en" and "Sign in" in english.content.decode()
    assert lang(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")) == "en"  # not offered: English


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password_reset/",
                                  "/learn/", "/learn/mood/", "/no-such-page/"])
def test_every_public_page_has_the_language_switch(client, path):
    page = client.get(path).content.decode()
    assert SWITCH.search(page), path
    assert re.search(r'<option value="es" lang="es"[^>]*>Español</option>', page)
    assert f'<input type="hidden" name="next" value="{path}">' in page


@pytest.mark.django_db
def test_a_visitor_switches_with_the_form_and_keeps_the_choice_over_the_browser(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/learn/"})
    assert response.status_code == 302 and response["Location"] == "/learn/"
    assert client.cookies[COOKIE].value == "es"
    assert lang(client.get("/learn/", HTTP_ACCEPT_LANGUAGE="en")) == "es"
    client.post("/i18n/setlang/", {"language": "en", "next": "/learn/"})
    assert lang(client.get("/learn/", HTTP_ACCEPT_LANGUAGE="es")) == "en"


@pytest.mark.django_db
def test_a_visitor_switches_from_a_topic_page_rendered_once_for_every_visitor():
    # The first visitor's page is kept and served to the next (views.learn_topic), CSRF token and
    # all: the next visitor's switch works all the same.
    Client().get("/learn/mood/")
    visitor = Client(enforce_csrf_checks=True)
    assert SWITCH.search(visitor.get("/learn/mood/").content.decode())
    response = visitor.post("/i18n/setlang/", {"language": "es", "next": "/learn/mood/"})
    assert response.status_code == 302 and visitor.cookies[COOKIE].value == "es"
    page = visitor.get("/learn/mood/")
    assert lang(page) == "es" and "Todos los temas" in page.content.decode()


@pytest.mark.django_db
def test_the_switch_refuses_a_language_we_do_not_offer_and_an_outside_next(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "https://example.com/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert lang(client.get("/", HTTP_ACCEPT_LANGUAGE="fr")) == "en"
    assert client.get("/i18n/setlang/").status_code == 405


# --- Patients -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_patients_switch_updates_their_profile(patient_client, patient):
    response = patient_client.post("/i18n/setlang/", {"language": "es", "next": "/diary/"})
    assert response.status_code == 302 and response["Location"] == "/diary/"
    patient.refresh_from_db()
    assert patient.language == "es"
    assert lang(patient_client.get("/diary/")) == "es"


@pytest.mark.django_db
def test_a_patients_switch_without_the_csrf_token_is_refused_and_changes_nothing(patient):
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    assert client.post("/i18n/setlang/", {"language": "es", "next": "/"}).status_code == 403
    patient.refresh_from_db()
    assert patient.language == "en"


@pytest.mark.django_db
def test_a_patients_switch_changes_only_their_own_profile(patient_client, patient, other_patient):
    patient_client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    other_patient.refresh_from_db()
    assert other_patient.language == "en"


@pytest.mark.django_db
def test_the_profile_language_wins_over_the_browser_and_the_cookie(client, patient):
    Patient.objects.filter(pk=patient.pk).update(language="es")
    client.force_login(patient.user)
    client.cookies[COOKIE] = "en"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert lang(page) == "es" and "Escribir el registro de hoy" in page.content.decode()
    # ...and the cookie follows the profile, for the public pages after signing out.
    assert page.cookies[COOKIE].value == "es"
    Patient.objects.filter(pk=patient.pk).update(language="en")
    assert lang(client.get("/", HTTP_ACCEPT_LANGUAGE="es")) == "en"


@pytest.mark.django_db
def test_signing_in_sets_the_profile_language_which_stays_after_signing_out(client, patient):
    Patient.objects.filter(pk=patient.pk).update(language="es")
    response = client.post("/accounts/login/", {"username": "pat", "password": PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response.cookies[COOKIE].value == "es"
    client.post("/accounts/logout/")
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert lang(page) == "es" and "Iniciar sesión" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("accept, expected", [("es-US,es;q=0.9", "es"), ("en-US", "en")])
def test_a_new_patient_gets_the_language_the_sign_up_page_was_shown_in(client, accept, expected):
    response = client.post("/accounts/signup/", {
        "username": "nueva", "email": "nueva@example.com", "password1": PASSWORD, "password2": PASSWORD,
    }, HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert Patient.objects.get(user__username="nueva").language == expected


# --- Staff --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_is_english_for_a_clinician_whose_browser_asks_for_spanish(client, clinician):
    client.force_login(clinician)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es")
    assert lang(page) == "en" and "Today's summary" in page.content.decode()
    assert SWITCH.search(page.content.decode())  # the admin has the switch too


@pytest.mark.django_db
def test_the_admin_is_spanish_once_the_clinician_chooses_it(client, clinician):
    client.force_login(clinician)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/admin/"})
    assert response["Location"] == "/admin/"
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert lang(page) == "es" and "Resumen de hoy" in page.content.decode()
    assert lang(client.get("/admin/core/patient/")) == "es"


@pytest.mark.django_db
def test_a_clinicians_switch_changes_no_patients_profile(client, clinician, patient):
    patient.clinicians.add(clinician)
    client.force_login(clinician)
    client.post("/i18n/setlang/", {"language": "es", "next": "/admin/"})
    patient.refresh_from_db()
    assert patient.language == "en"
    # A cookie naming a language we do not offer leaves staff in English.
    client.cookies[COOKIE] = "fr"
    assert lang(client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es")) == "en"


@pytest.mark.django_db
def test_the_admin_sign_in_page_has_the_switch(client):
    page = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="es")
    assert lang(page) == "es" and SWITCH.search(page.content.decode())


# --- Dates --------------------------------------------------------------------------------------


def test_dates_and_times_in_each_language():
    from datetime import date, datetime

    from django.utils.formats import date_format, number_format

    with translation.override("en"):
        assert date_format(date(2026, 12, 6)) == "December 6, 2026"
        assert date_format(datetime(2026, 12, 6, 13, 30), "TIME_FORMAT") == "1:30 p.m."
    with translation.override("es"):
        assert date_format(date(2026, 12, 6)) == "6 de diciembre de 2026"
        assert date_format(datetime(2026, 12, 6, 20, 0), "TIME_FORMAT") == "8:00 p. m."
        assert date_format(datetime(2026, 12, 6, 8, 0), "TIME_FORMAT") == "8:00 a. m."
        assert number_format(1000.5, 1, force_grouping=True) == "1,000.5"  # US numbers stay


# --- The page cache -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_cache_keeps_the_two_languages_apart(patient):
    EntryFactory(patient=patient, date=patient_today())
    today = patient_today()
    patient = Patient.objects.get(pk=patient.pk)  # one data version for both renders

    def dashboard() -> str:
        return patient_fragment("dashboard", patient, today.isoformat(),
                                lambda: views.dashboard_fragments(patient, today))[1]

    with translation.override("en"):
        english = dashboard()
    with translation.override("es"):
        spanish = dashboard()
    with translation.override("en"):
        assert dashboard() == english  # from the cache
    assert "View or change today's entry" in english and "Ver o cambiar el registro de hoy" not in english
    assert "Ver o cambiar el registro de hoy" in spanish and "View or change today's entry" not in spanish


@pytest.mark.django_db
def test_a_patient_who_switches_sees_the_cached_pages_in_the_new_language(patient_client, patient):
    EntryFactory(patient=patient, date=patient_today() - timedelta(days=1))
    assert "My diary" in patient_client.get("/diary/").content.decode()
    patient_client.post("/i18n/setlang/", {"language": "es", "next": "/diary/"})
    page = patient_client.get("/diary/").content.decode()
    assert "Los registros de su diario" in page and "Your diary entries, newest first" not in page


# --- No English left on a Spanish page ----------------------------------------------------------


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes, and the alt, aria-label, title and placeholder
    attributes; not scripts, styles, the setup key or the language menu's own names, nor what is
    marked as English on purpose (`lang="en"`: the PHQ questionnaire's own words)."""

    SKIP = {"script", "style", "code", "option", "title"}
    ATTRIBUTES = {"alt", "aria-label", "title", "placeholder"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.texts, self.skipping = [], []
        self.english_depth = 0  # open elements inside a lang="en" one (0: not inside one)

    def handle_starttag(self, tag, attrs):
        if self.english_depth:
            self.english_depth += tag not in self.VOID
            return
        if tag != "html" and dict(attrs).get("lang", "").startswith("en") and tag not in self.VOID:
            self.english_depth = 1
            return
        if tag in self.SKIP:
            self.skipping.append(tag)
        self.texts += [value.strip() for name, value in attrs if name in self.ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if self.english_depth:
            self.english_depth -= tag not in self.VOID
            return
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping and not self.english_depth and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


# Identical in both languages and rightly so: names, units, abbreviations.
SAME_IN_BOTH = {"isodiary", "iPLEDGE", "PHQ-2", "PHQ-9", "CSV", "JSON", "OK", "Total", "No"}
# A number with its unit ("0.0 mg/kg", "132.3 lb (60 kg)", "60 min") is data.
QUANTITY = re.compile(r"^[\d.,–\s()%]*(?:(?:mg/kg|mg|kg|lb|min)\b[\d.,–\s()%]*)*$")


# English words no Spanish sentence has: they find English put inside a Spanish sentence (a date
# range's "to", a reason written in Python), which the comparison of whole text nodes cannot.
ENGLISH_WORDS = re.compile(r"\b(?:the|your|you|and|with|to|of|for|this|that|from|is|are|when|if)\b")
# English on purpose: a cited article's title.
CITED = ["The PHQ-9: validity of a brief depression severity measure"]


def leftovers(english: str, spanish: str, data: set[str]) -> list[str]:
    """Text shown on the Spanish page exactly as on the English one, or with English words in it:
    English left untranslated, unless it is data (a name, a number) or the same word in both
    languages."""
    shown_in_english = set(visible_texts(english))

    def english_in(text: str) -> bool:
        if any(value and value in text for value in data):
            return False
        if text in shown_in_english:
            return bool(re.search(r"[A-Za-z]{2}", text)) and text not in SAME_IN_BOTH and not QUANTITY.match(text)
        return bool(ENGLISH_WORDS.search(re.sub("|".join(map(re.escape, CITED)), "", text)))

    return sorted({text for text in visible_texts(spanish) if english_in(text)})


def patient_pages(patient) -> list[str]:
    today = patient_today()
    return ["/", "/diary/", "/diary/new/", f"/diary/{today.isoformat()}/", f"/diary/{today.isoformat()}/delete/",
            "/accounts/profile/", "/mood-check/", "/pregnancy/", "/accounts/two-factor/",
            "/accounts/delete/", "/accounts/sessions/sign-out-others/", "/accounts/password_change/",
            "/learn/", "/learn/?q=dry", "/no-such-page/"]


VISITOR_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password_reset/",
                 "/accounts/password_reset/done/", "/accounts/reset/MQ/set-password/", "/learn/",
                 "/learn/?q=zzzz", "/no-such-page/", "/offline/"]


def data_attributes(html: str) -> list[str]:
    """The data-* attributes and their values: the public contract, the same in both languages."""
    return sorted(re.findall(r'\sdata-[\w-]+(?:="[^"]*")?', html))


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"  {page}: {text!r}" for page, texts in found.items() for text in texts)


def a_patient_with_everything(client) -> Patient:
    """A signed-in patient whose pages show every part: warnings, dose, pregnancy calendar."""
    patient = PatientFactory(user__username="paz", display_name="Paz", can_become_pregnant=True,
                             course_start=patient_today() - timedelta(days=40), daily_dose_mg=40, weight_kg=60)
    for back, mood in ((1, 3), (0, 2)):  # saved as the entry form saves: the warnings are raised
        services.entry_save(entry=EntryFactory.build(patient=patient, date=patient_today() - timedelta(days=back),
                                                     skin_dryness=9, lip_dryness=9, mood=mood, notes="Nota"))
    client.force_login(patient.user)
    return patient


def both_languages(client, patient, path: str) -> tuple[str, str]:
    Patient.objects.filter(pk=patient.pk).update(language="en")
    english = client.get(path)
    Patient.objects.filter(pk=patient.pk).update(language="es")
    spanish = client.get(path)
    assert english.status_code == spanish.status_code, path
    assert lang(spanish) == "es", path
    return english.content.decode(), spanish.content.decode()


@pytest.mark.django_db
def test_the_data_attributes_are_the_same_in_spanish(client):
    patient = a_patient_with_everything(client)
    for path in patient_pages(patient):
        english, spanish = both_languages(client, patient, path)
        assert data_attributes(spanish) == data_attributes(english), path
    english, spanish = both_languages(client, patient, "/")
    assert 'data-severity="urgent"' in spanish and 'data-severity="warning"' in spanish


@pytest.mark.django_db
def test_no_english_is_left_on_a_spanish_patients_pages(client):
    patient = a_patient_with_everything(client)
    data = {patient.user.username, patient.user.email, patient.display_name, patient.time_zone, "Nota"}
    found = {}
    for path in patient_pages(patient):
        english, spanish = both_languages(client, patient, path)
        if texts := leftovers(english, spanish, data):
            found[path] = texts
    print(f"English left on Spanish pages ({sum(map(len, found.values()))}):\n{report(found)}")
    assert not found, f"English left on Spanish pages:\n{report(found)}"


@pytest.mark.django_db
def test_no_english_is_left_on_a_spanish_patients_two_factor_pages(client, patient):
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.conftest import confirmed_device

    device = confirmed_device(patient.user)
    client.force_login(patient.user)
    found = {}

    def compare(path: str, method: str = "get", **post) -> None:
        pages = {}
        for language in ("en", "es"):
            Patient.objects.filter(pk=patient.pk).update(language=language)
            pages[language] = getattr(client, method)(path, post) if method == "post" else client.get(path)
            assert pages[language].status_code == 200, path
        assert lang(pages["es"]) == "es", path
        if texts := leftovers(pages["en"].content.decode(), pages["es"].content.decode(), {patient.display_name}):
            found[path] = texts

    compare("/accounts/two-factor/verify/")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    compare("/accounts/two-factor/")
    compare("/accounts/two-factor/", "post", action="codes")  # the new recovery codes
    print(f"English left on Spanish pages ({sum(map(len, found.values()))}):\n{report(found)}")
    assert not found, f"English left on Spanish pages:\n{report(found)}"


@pytest.mark.parametrize("template", ["400.html", "403.html", "404.html", "500.html"])
def test_the_error_pages_in_spanish(rf, template):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("en"):
        english = render_to_string(template, request=request)
    with translation.override("es"):
        spanish = render_to_string(template, request=request)
    assert '<html lang="es">' in spanish
    assert leftovers(english, spanish, set()) == []


@pytest.mark.django_db
def test_no_english_is_left_on_the_pages_a_spanish_speaking_visitor_sees(client):
    found = {}
    for path in VISITOR_PAGES:
        english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        spanish = client.get(path, HTTP_ACCEPT_LANGUAGE="es")
        assert lang(spanish) == "es", path
        if texts := leftovers(english.content.decode(), spanish.content.decode(), set()):
            found[path] = texts
    print(f"English left on Spanish pages ({sum(map(len, found.values()))}):\n{report(found)}")
    assert not found, f"English left on Spanish pages:\n{report(found)}"
