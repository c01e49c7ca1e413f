"""Issue 19, item 7: no page is wider than a 360 px phone screen. A page that scrolls sideways hides
half of what it says (an education page's sources, once 417–518 px wide). Every page a patient or
a clinician uses is opened at 360×740 and its document must be no wider than the screen."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from core import education, services
from core.models import Alert, MoodCheck, Patient, PregnancyTest, Rule
from tests.e2e.conftest import VIEWPORTS, sign_in_staff
from tests.factories import PASSWORD, ClinicianFactory, EntryFactory, PatientFactory, patient_today

pytestmark = pytest.mark.django_db(transaction=True)
WIDTH = 360
PUBLIC = ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password_reset/", "/learn/", "/learn/?q=sun",
          *[f"/learn/{topic.slug}/" for topic in education.topics()], "/admin/login/"]


@pytest.fixture
def phone(browser):
    context = browser.new_context(**VIEWPORTS["phone"])
    yield context.new_page()
    context.close()


def too_wide(page, base: str, paths: list[str]) -> dict[str, int]:
    """The pages among `paths` wider than the screen, with their width in CSS pixels."""
    found = {}
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            found[path] = width
    return found


def error_pages_too_wide(page, base: str, paths: dict[str, int]) -> dict[str, int]:
    """As too_wide, for pages answered with an error status (`path: status`)."""
    found = {}
    for path, status in paths.items():
        response = page.goto(base + path)
        assert response is not None and response.status == status, f"{path}: {response and response.status}"
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            found[path] = width
    return found


def rendered_too_wide(page, base: str, templates: list[str]) -> dict[str, int]:
    """The error pages no URL can ask for on purpose (400 for a malformed request, 403, 500), as
    Django's handlers render them, loaded at the site's address so their style sheets apply."""
    found = {}
    for name in templates:
        html = render_to_string(name, request=RequestFactory().get("/") if name != "500.html" else None)
        page.goto(base + "/healthz")
        page.set_content(html)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            found[name] = width
    return found


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(base + "/")


def a_patient_with_everything(today: date):
    """A patient with entries, an urgent and a warning finding, a mood check and pregnancy tests:
    every part of every page shows something."""
    patient = PatientFactory(user__username="narrow", can_become_pregnant=True,
                             course_start=today - timedelta(days=40), daily_dose_mg=40, weight_kg=60)
    for back in range(20):
        entry = EntryFactory.build(patient=patient, date=today - timedelta(days=back), lip_dryness=9, mood=6,
                                   dose_mg=40, notes="A long note " + "without-any-spaces-at-all" * 6)
        services.entry_save(entry=entry)
    services.entry_save(entry=EntryFactory.build(patient=patient, date=today - timedelta(days=21),
                                                 symptoms=["hearing", "vision"]))
    MoodCheck.objects.create(patient=patient, date=today, q1=1, q2=1, total=2, band="PHQ-2 negative")
    PregnancyTest.objects.create(patient=patient, date=today - timedelta(days=3), result="negative")
    return patient


def test_no_page_is_wider_than_a_360_px_phone(server, phone):
    assert phone.viewport_size["width"] == WIDTH
    assert too_wide(phone, server.url, PUBLIC) == {}
    signed_out = ["/accounts/password_reset/done/", "/accounts/reset/MQ/set-password-link/", "/accounts/reset/done/"]
    assert too_wide(phone, server.url, signed_out) == {}
    assert error_pages_too_wide(phone, server.url, {"/no-such-page/": 404, "/learn/no-such-topic/": 404}) == {}
    assert rendered_too_wide(phone, server.url, ["400.html", "403.html", "500.html"]) == {}

    patient = a_patient_with_everything(patient_today())
    today = patient.today()
    sign_in(phone, server.url, "narrow")
    patient_pages = ["/", "/diary/", "/diary/new/", f"/diary/{today.isoformat()}/",
                     f"/diary/{today.isoformat()}/delete/", "/accounts/profile/", "/mood-check/", "/pregnancy/",
                     "/accounts/two-factor/", "/accounts/password_change/", "/accounts/delete/",
                     "/accounts/sessions/sign-out-others/", "/learn/", "/learn/warning-signs/"]
    assert too_wide(phone, server.url, patient_pages) == {}
    assert too_wide(phone, server.url, ["/accounts/password_change/done/"]) == {}
    assert error_pages_too_wide(phone, server.url, {"/diary/2001-01-01/": 404}) == {}
    # The profile refused (a weight out of range): the page with its error messages.
    phone.goto(server.url + "/accounts/profile/")
    phone.fill("#id_weight", "700")
    with phone.expect_response(lambda r: r.url.endswith("/accounts/profile/") and r.request.method == "POST") as sent:
        phone.get_by_role("button", name="Save").click()
    assert sent.value.status == 400
    phone.locator(".invalid-feedback").first.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # The full PHQ-9, shown only after a positive PHQ-2 is sent.
    phone.goto(server.url + "/mood-check/")
    phone.locator("label[for=id_q1_3]").click()
    phone.locator("label[for=id_q2_3]").click()
    phone.get_by_role("button", name="Continue").click()
    phone.locator("input[name=q9]").first.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # The same pages in Spanish, whose words run longer (issue 25).
    Patient.objects.filter(pk=patient.pk).update(language="es")
    assert too_wide(phone, server.url, patient_pages) == {}
    assert phone.locator("html").get_attribute("lang") == "es"
    phone.context.clear_cookies()
    phone.context.add_cookies([{"name": "django_language", "value": "es", "url": server.url}])
    assert too_wide(phone, server.url, PUBLIC) == {}

    doctor = ClinicianFactory(username="dr_narrow", first_name="Dana", last_name="Reyes")
    patient.clinicians.add(doctor)
    alert = Alert.objects.filter(patient=patient).urgent_first().first()
    rule = Rule.objects.get(code="dryness-high")
    phone.context.clear_cookies()
    sign_in_staff(phone, server.url, doctor)
    admin_pages = ["/admin/", "/admin/core/patient/", "/admin/core/patient/?quiet=3",
                   f"/admin/core/patient/{patient.pk}/change/", f"/admin/core/patient/{patient.pk}/summary/",
                   "/admin/core/alert/", f"/admin/core/alert/{alert.pk}/change/",
                   f"/admin/core/alert/{alert.pk}/acknowledge/", "/admin/core/diaryentry/",
                   "/admin/core/moodcheck/", "/admin/core/pregnancytest/", "/admin/core/ruleoverride/",
                   f"/admin/core/ruleoverride/add/?patient={patient.pk}", "/admin/core/rule/",
                   f"/admin/core/rule/{rule.pk}/change/", "/accounts/two-factor/",
                   f"/admin/core/diaryentry/{patient.entries.first().pk}/change/",
                   f"/admin/core/moodcheck/{patient.mood_checks.first().pk}/change/",
                   f"/admin/core/pregnancytest/{patient.pregnancy_tests.first().pk}/change/",
                   "/admin/password_change/"]
    assert too_wide(phone, server.url, admin_pages) == {}
