"""The whole clinical loop in a real browser: a red flag is logged, the clinician is e-mailed,
signs in from the e-mail's link, acknowledges with an outcome, and the patient sees it reviewed."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from core.models import Alert
from tests.conftest import confirmed_device
from tests.e2e.conftest import next_code
from tests.factories import PASSWORD, ClinicianFactory, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, url: str, username: str) -> None:
    """Open `url` and sign in with the password on the login page it leads to."""
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form [type=submit]").click()


@pytest.mark.parametrize("screen", ["desktop"], indirect=True)
def test_a_red_flag_reaches_the_clinician_and_the_patient_sees_it_reviewed(server, screen, shoot, browser,
                                                                          settings):
    settings.SITE_URL = server.url
    doctor = ClinicianFactory(username="dr_loop", email="dr.loop@clinic.example")
    patient = PatientFactory(user__username="looper", display_name="Lou Looper")
    patient.clinicians.add(doctor)

    page = screen
    sign_in(page, server.url + "/accounts/login/", "looper")
    page.goto(server.url + "/diary/new/")
    for field, value in {"skin_dryness": 2, "lip_dryness": 2, "eye_dryness": 1, "mood": 7}.items():
        page.locator(f"label[for=id_{field}_{value}]").click()
    page.get_by_role("radio", name="Yes", exact=True).check()  # "Anything unusual today?" opens the list
    page.get_by_label("Yellow skin or eyes, or dark urine").check()
    page.get_by_role("button", name="Save").click()
    finding = page.locator('[data-warning="red-flag"]')
    expect(finding).to_have_attribute("data-severity", "urgent")
    expect(finding).to_have_attribute("data-care-team", "pending")
    shoot(page, "red-flag-pending")

    call_command("send_notifications")
    [message] = [m for m in mail.outbox if m.to == ["dr.loop@clinic.example"]]
    assert "Lou" not in message.body and "looper" not in message.body and "Yellow" not in message.body
    link = re.search(r"https?://\S+/admin/core/alert/", message.body).group(0)
    page.goto(server.url + "/")
    expect(page.locator('[data-warning="red-flag"]')).to_have_attribute("data-care-team", "notified")

    clinician = browser.new_context().new_page()
    device = confirmed_device(doctor)  # the clinician enrolled an authenticator app earlier
    sign_in(clinician, link, "dr_loop")
    clinician.wait_for_url("**/accounts/two-factor/verify/**")
    clinician.fill("input[name=otp_token]", next_code(device))
    clinician.get_by_role("button", name="Continue").click()
    clinician.wait_for_url("**/admin/core/alert/")
    row = clinician.locator("#result_list tbody tr", has_text="Lou Looper")
    expect(row).to_contain_text("red-flag")
    shoot(clinician, "queue-from-the-email")
    row.locator("th a, td a").first.click()
    clinician.get_by_role("link", name="Acknowledge…").first.click()
    clinician.get_by_label("Contacted the patient").check()
    clinician.fill("#id_note", "Phoned; liver tests booked.")
    clinician.get_by_role("button", name="Acknowledge").click()
    expect(clinician.locator(".messagelist")).to_contain_text("acknowledged")
    alert = Alert.objects.get(rule_code="red-flag")
    assert (alert.acknowledged_by, alert.outcome) == (doctor, "contacted")

    page.goto(server.url + "/")
    finding = page.locator('[data-warning="red-flag"]')
    expect(finding).to_have_attribute("data-care-team", "reviewed")
    expect(finding).to_contain_text("Your clinician reviewed this")
    expect(page.locator("body")).not_to_contain_text("liver tests booked")
    shoot(page, "red-flag-reviewed")
