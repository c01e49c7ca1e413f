"""Two-factor sign-in in a real browser: a new clinician sets it up, signs out, and signs in again
with a code, after a wrong code, and with a recovery code."""

import base64
import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from playwright.sync_api import Page, expect

from tests.e2e.conftest import code_at, next_code
from tests.factories import PASSWORD, ClinicianFactory, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)
WAIT_FOR_THROTTLE_MS = 1200  # django-otp makes the code after a wrong one wait a second


def password_step(page: Page, base: str, username: str) -> None:
    page.goto(base + "/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form [type=submit]").click()


def sign_out_of_admin(page: Page) -> None:
    page.locator("#logout-form button").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def wrong(code: str) -> str:
    return f"{(int(code) + 500000) % 1000000:06d}"


def test_a_clinician_sets_up_two_factor_and_signs_in_with_codes(server, screen, shoot):
    page = screen
    doctor = ClinicianFactory(username="drtotp")
    patient = PatientFactory(user__username="pt", display_name="Pat Two")
    patient.clinicians.add(doctor)

    # First sign-in: the admin does not open before an authenticator is set up.
    password_step(page, server.url, "drtotp")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next=/admin/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    uri = page.locator("[data-otpauth-uri]").inner_text()
    assert uri.startswith("otpauth://totp/")
    shoot(page, "setup")
    page.goto(server.url + "/admin/core/patient/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next="))
    assert page.locator("[data-otpauth-uri]").inner_text() == uri  # a reload shows the same key

    # Someone else with the password, in another browser, is shown a key of their own.
    intruder = page.context.browser.new_context().new_page()
    password_step(intruder, server.url, "drtotp")
    intruders_uri = intruder.locator("[data-otpauth-uri]").inner_text()
    assert intruders_uri.startswith("otpauth://totp/") and intruders_uri != uri

    # The key comes from the text on the page, as a person typing it into their app would use it.
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("input[name=otp_token]", wrong(code_at(key, time.time())))
    page.get_by_role("button", name="Turn on").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text("That code is not right")
    page.wait_for_timeout(WAIT_FOR_THROTTLE_MS)
    page.fill("input[name=otp_token]", code_at(key, time.time()))
    page.get_by_role("button", name="Turn on").click()
    codes = page.locator("[data-recovery-codes] li").all_inner_texts()
    assert len(codes) == 10
    shoot(page, "recovery-codes")
    page.get_by_role("link", name="I have saved them, continue").click()
    expect(page.locator("#result_list")).to_contain_text("Pat Two")  # where the clinician was going

    # The intruder's key, set up in their own app, finishes nothing: the admin stays shut to them.
    intruders_secret = parse_qs(urlparse(intruders_uri).query)["secret"][0]
    intruders_key = base64.b32decode(intruders_secret + "=" * (-len(intruders_secret) % 8))
    intruder.fill("input[name=otp_token]", code_at(intruders_key, time.time()))
    intruder.get_by_role("button", name="Turn on").click()
    expect(intruder).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    intruder.goto(server.url + "/admin/")
    expect(intruder).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    intruder.context.close()
    sign_out_of_admin(page)

    # Second sign-in: a wrong code is refused, the right one opens the admin.
    device = doctor.totpdevice_set.get()
    password_step(page, server.url, "drtotp")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    page.fill("input[name=otp_token]", wrong(next_code(device)))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text("That code is not right")
    shoot(page, "wrong-code")
    page.goto(server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    page.wait_for_timeout(WAIT_FOR_THROTTLE_MS)
    page.fill("input[name=otp_token]", next_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator('[data-summary="open-urgent"]')).to_be_visible()
    sign_out_of_admin(page)

    # Third sign-in: a recovery code instead of the phone, good once.
    password_step(page, server.url, "drtotp")
    page.fill("input[name=otp_token]", codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator(".messagelist, .alert").first).to_contain_text("You used a recovery code: 9 left")
    assert not StaticDevice.objects.get(user=doctor).token_set.filter(token=codes[0]).exists()
    shoot(page, "signed-in-with-recovery-code")
