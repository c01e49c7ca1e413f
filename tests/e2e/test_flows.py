"""What patients and clinicians do, in a real browser, at desktop and phone sizes."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from core.models import Alert
from tests.e2e.conftest import sign_in_staff
from tests.factories import PASSWORD, ClinicianFactory, PatientFactory, patient_today

pytestmark = pytest.mark.django_db(transaction=True)


def sign_up(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_email", f"{username}@example.com")
    page.fill("#id_password1", "a-Long-pass-phrase-77")
    page.fill("#id_password2", "a-Long-pass-phrase-77")
    page.get_by_role("button", name="Create my diary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def sign_in(page: Page, base: str, username: str, path: str = "/accounts/login/") -> None:
    page.goto(base + path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form [type=submit]").click()


def fill_entry(page: Page, base: str, day: date | None = None, **scales) -> None:
    page.goto(base + "/diary/new/" + (f"?date={day.isoformat()}" if day else ""))
    values = {"skin_dryness": 2, "lip_dryness": 2, "eye_dryness": 1, "mood": 7, **scales}
    for field, value in values.items():
        page.locator(f"label[for=id_{field}_{value}]").click()
    page.get_by_role("radio", name="No", exact=True).check()  # "Anything unusual today?"
    asked = page.locator("input[name=date][type=radio]")  # after midnight, before 4 a.m.: which day?
    if not day and asked.count():
        asked.last.check()  # today
    page.get_by_role("button", name="Save").click()


def test_a_new_patient_logs_high_lip_dryness_and_learns_about_it(server, screen, shoot):
    page = screen
    sign_up(page, server.url, f"newpat-{page.viewport_name}")
    shoot(page, "dashboard-after-signup")
    page.get_by_role("link", name="Write today's entry").click()
    fill_entry(page, server.url, lip_dryness=8)
    warning = page.locator('[data-warning="dryness-high"]')
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute("data-severity", "warning")
    shoot(page, "entry-with-dryness-warning")
    warning.get_by_role("link", name="Read more about this").click()
    expect(page).to_have_url(re.compile(r"/learn/dryness/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dryness of skin, lips, eyes and nose")
    shoot(page, "education-page")
    page.goto(server.url + "/")
    expect(page.locator('[data-warning="dryness-high"]')).to_have_count(1)
    expect(page.locator("svg.chart-svg")).to_be_visible()
    shoot(page, "dashboard-with-chart")


def test_three_days_of_low_mood_raise_the_urgent_warning(server, screen, shoot):
    page = screen
    PatientFactory(user__username="moody")
    sign_in(page, server.url, "moody")
    today = patient_today()
    for back in (2, 1, 0):
        fill_entry(page, server.url, today - timedelta(days=back), mood=2)
    banner = page.locator('[data-warning="mood-persistent-low"]')
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("data-severity", "urgent")
    expect(banner).to_have_attribute("role", "alert")
    # Urgent is at the top: above the page heading.
    assert banner.bounding_box()["y"] < page.get_by_role("heading", level=1).bounding_box()["y"]
    shoot(page, "urgent-mood-warning")
    page.goto(server.url + "/")
    expect(page.locator('[data-warning="mood-persistent-low"]')).to_have_count(1)
    shoot(page, "dashboard-with-urgent-warning")


def test_a_form_error_is_shown_beside_its_field(server, screen, shoot):
    page = screen
    PatientFactory(user__username="hasty")
    sign_in(page, server.url, "hasty")
    page.goto(server.url + "/diary/new/")
    page.locator("label[for=id_skin_dryness_3]").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#form-errors")).to_be_focused()  # announced, and where the keyboard is
    expect(page.locator("#id_mood_error")).to_contain_text("Choose a number from 0 to 10")
    expect(page.locator("#id_skin_dryness_3")).to_be_checked()  # what was typed is kept
    shoot(page, "entry-form-errors")


@pytest.mark.parametrize("screen", ["desktop"], indirect=True)
def test_a_clinician_acknowledges_an_alert_from_the_queue(server, screen, shoot):
    page = screen
    doctor = ClinicianFactory(username="drq", first_name="Quinn")
    patient = PatientFactory(user__username="pq", display_name="Pat Queue")
    patient.clinicians.add(doctor)
    from core import services
    from tests.factories import EntryFactory

    services.entry_save(entry=EntryFactory.build(patient=patient, date=patient_today(), sunburn="blistering"))
    sign_in_staff(page, server.url, doctor)
    expect(page.locator('[data-summary="open-urgent"]')).to_have_text("1")
    shoot(page, "admin-index-summary")
    page.get_by_role("link", name="Open urgent alerts").click()
    row = page.locator("#result_list tbody tr", has_text="Pat Queue")
    expect(row).to_contain_text("sunburn-blistering")
    shoot(page, "alert-queue")
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "acknowledge")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Reviewed, no action").check()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".messagelist")).to_contain_text("1 alert acknowledged")
    shoot(page, "alert-acknowledged")
    alert = Alert.objects.get(rule_code="sunburn-blistering")
    assert alert.acknowledged_by == doctor and alert.acknowledged_at is not None


def test_the_weekly_mood_check_continues_to_the_phq9(server, screen, shoot):
    page = screen
    PatientFactory(user__username="checker")
    sign_in(page, server.url, "checker")
    page.get_by_role("link", name="Answer two short questions").click()
    page.locator("label[for=id_q1_2]").click()
    page.locator("label[for=id_q2_1]").click()
    shoot(page, "phq2")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("input[name=q9]")).to_have_count(4)
    for n in range(3, 10):
        page.locator(f"label[for=id_q{n}_0]").click()
    shoot(page, "phq9")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("minimal")
    shoot(page, "dashboard-after-mood-check")
