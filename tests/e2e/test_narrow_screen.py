"""Issue 19, item 7: no page is wider than a 360 px phone screen. A page that scrolls sideways hides
half of what it says (an education page's sources, once 417–518 px wide). Every page a patient or
a clinician uses is opened at 360×740 and its document must be no wider than the screen."""

from datetime import date, timedelta

import pytest

from core import education, services
from core.models import Alert, MoodCheck, PregnancyTest, Rule
from tests.e2e.conftest import VIEWPORTS, sign_in_staff
from tests.factories import PASSWORD, ClinicianFactory, EntryFactory, PatientFactory

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


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form [type=submit]").click()
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

    patient = a_patient_with_everything(date.today())
    today = patient.today()
    sign_in(phone, server.url, "narrow")
    patient_pages = ["/", "/diary/", "/diary/new/", f"/diary/{today.isoformat()}/",
                     f"/diary/{today.isoformat()}/delete/", "/accounts/profile/", "/mood-check/", "/pregnancy/",
                     "/accounts/two-factor/", "/accounts/password_change/", "/accounts/delete/",
                     "/accounts/sessions/sign-out-others/", "/learn/", "/learn/warning-signs/"]
    assert too_wide(phone, server.url, patient_pages) == {}
    # The full PHQ-9, shown only after a positive PHQ-2 is sent.
    phone.goto(server.url + "/mood-check/")
    phone.locator("label[for=id_q1_3]").click()
    phone.locator("label[for=id_q2_3]").click()
    phone.get_by_role("button", name="Continue").click()
    phone.locator("input[name=q9]").first.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH

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
                   f"/admin/core/rule/{rule.pk}/change/", "/accounts/two-factor/"]
    assert too_wide(phone, server.url, admin_pages) == {}
