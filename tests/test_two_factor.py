"""Two-factor sign-in: staff must set it up before any admin page, and every sign-in asks for a code."""

import base64
import html
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlparse

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from post_office.models import STATUS, Email

from core import twofactor
from tests.conftest import Client, confirmed_device, current_code
from tests.factories import PASSWORD, ClinicianFactory, PatientFactory
from tests.realserver import csrf_token, running_server, signed_in_client

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/core/patient/", "/admin/core/alert/", "/admin/auditlog/logentry/"]


def sign_in(client, username: str, path: str = "/admin/login/?next=/admin/"):
    """The first step, as a person does it: username and password on the sign-in form."""
    response = client.post(path, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def key_on_page(response) -> TOTPDevice:
    """The authenticator a person adds from the setup page's `otpauth://` text (not saved)."""
    uri = html.unescape(re.search(r"<code[^>]*data-otpauth-uri>([^<]+)</code>", response.content.decode())[1])
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    return TOTPDevice(key=base64.b32decode(secret + "=" * (-len(secret) % 8)).hex())


@pytest.fixture
def doctor(db):
    return ClinicianFactory(username="drq")


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_it_sends_a_clinician_without_an_authenticator_to_set_one_up_from_every_admin_page(client, doctor, page):
    sign_in(client, "drq")
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?next=")


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_it_asks_an_enrolled_clinician_for_a_code_before_any_admin_page(client, doctor, page):
    confirmed_device(doctor)
    sign_in(client, "drq")
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/verify/?next=")


def test_the_setup_page_shows_the_otpauth_uri_as_text_and_a_token_field(client, doctor):
    sign_in(client, "drq")
    response = client.get("/accounts/two-factor/")
    page = response.content.decode()
    assert "otpauth://totp/" in page
    secret = base64.b32encode(key_on_page(response).bin_key).decode().rstrip("=")
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page  # the same key, to type
    assert not TOTPDevice.objects.exists()  # kept in this session until confirmed, not in a shared row
    assert 'name="otp_token"' in page
    assert '<img src="data:image/svg+xml' in page  # the QR code, no inline script or style


def test_a_wrong_first_code_turns_nothing_on(client, doctor):
    sign_in(client, "drq")
    client.get("/accounts/two-factor/")
    response = client.post("/accounts/two-factor/", {"otp_token": "123456"})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=doctor, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_enrolment_gives_recovery_codes_and_opens_the_admin(client, doctor):
    sign_in(client, "drq")
    device = key_on_page(client.get("/accounts/two-factor/?next=/admin/"))
    key_before = client.session.session_key
    response = client.post("/accounts/two-factor/", {"otp_token": current_code(device), "next": "/admin/"})
    assert response.status_code == 200
    assert client.session.session_key != key_before  # verified now: a new session key
    codes = [t.token for t in StaticDevice.objects.get(user=doctor).token_set.all()]
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    assert client.get("/admin/").status_code == 200


def test_every_sign_in_then_asks_for_a_code(client, doctor):
    device = confirmed_device(doctor)
    sign_in(client, "drq")
    response = client.get("/accounts/two-factor/verify/?next=/admin/")
    assert 'name="otp_token"' in response.content.decode()
    response = client.post("/accounts/two-factor/verify/", {"otp_token": current_code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/core/patient/").status_code == 200


def test_a_wrong_code_is_refused_and_the_admin_stays_shut(client, doctor):
    device = confirmed_device(doctor)
    sign_in(client, "drq")
    wrong = f"{(int(current_code(device)) + 500000) % 1000000:06d}"
    response = client.post("/accounts/two-factor/verify/", {"otp_token": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_codes_right_after_a_wrong_one_wait_for_the_throttle(client, doctor):
    device = confirmed_device(doctor)
    sign_in(client, "drq")
    client.post("/accounts/two-factor/verify/", {"otp_token": "000000" if current_code(device) != "000000" else "1"})
    response = client.post("/accounts/two-factor/verify/", {"otp_token": current_code(device)})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()


def test_a_recovery_code_signs_in_once(client, doctor):
    confirmed_device(doctor)
    recovery = StaticDevice.objects.create(user=doctor, name="Recovery codes")
    recovery.token_set.create(token="abcd2345")
    sign_in(client, "drq")
    response = client.post("/accounts/two-factor/verify/", {"otp_token": "ABCD 2345", "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    client.post("/accounts/logout/")
    sign_in(client, "drq")
    response = client.post("/accounts/two-factor/verify/", {"otp_token": "abcd2345"})
    assert response.status_code == 400


def test_a_clinician_cannot_turn_it_off(client, doctor):
    device = confirmed_device(doctor)
    client.force_login(doctor)
    response = client.post("/accounts/two-factor/", {"action": "off", "otp_token": current_code(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=doctor, confirmed=True).exists()


def test_an_unverified_session_cannot_enrol_a_second_authenticator(client, doctor):
    confirmed_device(doctor)
    sign_in(client, "drq")
    response = client.get("/accounts/two-factor/")
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    assert TOTPDevice.objects.filter(user=doctor).count() == 1


def test_sign_out_is_open_before_the_code(client, doctor):
    confirmed_device(doctor)
    sign_in(client, "drq")
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


# --- Patients ---------------------------------------------------------------------------------


def test_a_patient_is_not_asked_for_a_code_unless_they_turned_it_on(client, patient):
    sign_in(client, "pat", "/accounts/login/")
    assert client.get("/").status_code == 200


def test_a_patient_turns_it_on_and_then_sign_in_asks_for_a_code(client, patient):
    sign_in(client, "pat", "/accounts/login/")
    assert "Two-factor sign-in</a>: off" in client.get("/accounts/profile/").content.decode()
    key = key_on_page(client.get("/accounts/two-factor/"))
    client.post("/accounts/two-factor/", {"otp_token": current_code(key), "password": PASSWORD})
    device = TOTPDevice.objects.get(user=patient.user, confirmed=True)
    assert device.key == key.key
    assert "Two-factor sign-in</a>: on" in client.get("/accounts/profile/").content.decode()

    client.post("/accounts/logout/")
    sign_in(client, "pat", "/accounts/login/")
    response = client.get("/diary/")
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    device.refresh_from_db()
    device.throttle_reset()
    device.last_t = -1  # the same 30-second code again, as if the next one had come up
    device.save()
    client.post("/accounts/two-factor/verify/", {"otp_token": current_code(device)})
    assert client.get("/diary/").status_code == 200


def patient_on_two_browsers_setting_up(patient) -> tuple[Client, Client, TOTPDevice]:
    """The patient signed in on a phone and a laptop, with the laptop open on the setup page."""
    phone, laptop = Client(), Client()
    for browser in (phone, laptop):
        sign_in(browser, "pat", "/accounts/login/")
    return phone, laptop, key_on_page(laptop.get("/accounts/two-factor/"))


def test_turning_it_on_signs_the_patient_out_everywhere_else(patient):
    phone, laptop, totp = patient_on_two_browsers_setting_up(patient)
    key_before = laptop.session.session_key
    response = laptop.post("/accounts/two-factor/", {"otp_token": current_code(totp), "password": PASSWORD})
    assert response.status_code == 200
    assert "You are signed out everywhere else" in response.content.decode()
    assert laptop.session.session_key != key_before
    assert laptop.get("/diary/").status_code == 200
    # The phone's session began without a code: it is over, and signing in again asks for one.
    assert phone.get("/diary/")["Location"].startswith("/accounts/login/")
    sign_in(phone, "pat", "/accounts/login/")
    assert phone.get("/diary/")["Location"].startswith("/accounts/two-factor/verify/")


def test_a_wrong_password_turns_nothing_on(patient):
    phone, laptop, totp = patient_on_two_browsers_setting_up(patient)
    response = laptop.post("/accounts/two-factor/", {"otp_token": current_code(totp), "password": "not-my-password"})
    assert response.status_code == 400
    assert "That password is not right." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=patient.user, confirmed=True).exists()
    assert phone.get("/diary/").status_code == 200


def test_without_the_password_it_turns_on_and_says_other_browsers_stay_signed_in(patient):
    phone, laptop, totp = patient_on_two_browsers_setting_up(patient)
    response = laptop.post("/accounts/two-factor/", {"otp_token": current_code(totp)})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=patient.user, confirmed=True).exists()
    assert "Sign out everywhere else" in response.content.decode()
    assert phone.get("/diary/").status_code == 200  # as the message says; the profile page can end it


def test_a_patient_turns_it_off_with_a_code(client, patient):
    device = confirmed_device(patient.user)
    client.force_login(patient.user)
    response = client.post("/accounts/two-factor/", {"action": "off", "otp_token": current_code(device)})
    assert response["Location"].startswith("/accounts/two-factor/verify/")  # not verified in this session yet
    client.post("/accounts/two-factor/verify/", {"otp_token": current_code(device)})
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    client.post("/accounts/two-factor/", {"action": "off", "otp_token": current_code(device)})
    assert not TOTPDevice.objects.filter(user=patient.user).exists()


def test_the_owner_is_emailed_when_two_factor_is_turned_off_and_not_when_a_wrong_code_is_given(client, patient):
    patient.user.email = "pat@example.org"
    patient.user.save()
    patient.display_name = "Robin Quill"
    patient.save()
    device = confirmed_device(patient.user)
    client.force_login(patient.user)
    client.post("/accounts/two-factor/verify/", {"otp_token": current_code(device)})
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    wrong = f"{(int(current_code(device)) + 500000) % 1000000:06d}"
    client.post("/accounts/two-factor/", {"action": "off", "otp_token": wrong})
    assert TOTPDevice.objects.filter(user=patient.user).exists() and not Email.objects.exists()

    device.throttle_reset()
    client.post("/accounts/two-factor/", {"action": "off", "otp_token": current_code(device)})

    email = Email.objects.get()
    assert email.to == ["pat@example.org"] and email.status == STATUS.queued
    assert email.subject == "Two-factor sign-in was turned off on your account"
    assert "If it was not you, someone else has signed in to your account" in email.message
    assert_no_health_data(email, "Robin Quill")


# --- Superusers reset a lost phone --------------------------------------------------------------


def test_a_superuser_resets_a_clinicians_second_factor_and_it_is_audited(client, doctor):
    confirmed_device(doctor)
    StaticDevice.objects.create(user=doctor, name="Recovery codes")
    root = get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(root)
    response = client.post("/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [doctor.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=doctor).exists()
    assert not StaticDevice.objects.filter(user=doctor).exists()
    entry = LogEntry.objects.get(object_id=doctor.pk, additional_data__event="two-factor reset")
    assert entry.actor == root

    client.post("/accounts/logout/")
    sign_in(client, "drq")
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/?next=")


def test_a_clinician_cannot_reset_anyones_second_factor(client, doctor):
    other = ClinicianFactory(username="drz")
    confirmed_device(other)
    client.force_login(doctor)
    response = client.post("/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [other.pk]})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=other).exists()


def test_the_patient_page_names_the_user_without_a_link_a_clinician_could_not_follow(client, doctor):
    patient = PatientFactory(user__username="alexp", user__first_name="Alex", user__last_name="Park")
    patient.clinicians.add(doctor)
    client.force_login(doctor)
    page = client.get(f"/admin/core/patient/{patient.pk}/change/").content.decode()
    assert "alexp (Alex Park)" in page
    assert "/admin/auth/user/" not in page


def test_a_session_from_before_a_patient_turned_it_on_is_asked_for_a_code_on_the_two_factor_page(client, patient):
    client.force_login(patient.user)
    device = confirmed_device(patient.user)  # turned on elsewhere, after this session began
    response = client.get("/accounts/two-factor/")
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    assert client.get(response["Location"]).status_code == 200
    client.post("/accounts/two-factor/verify/", {"otp_token": current_code(device)})
    assert "Two-factor sign-in is on" in client.get("/accounts/two-factor/").content.decode()


def test_an_anonymous_visitor_reaches_no_two_factor_page(client):
    for path in ("/accounts/two-factor/", "/accounts/two-factor/verify/"):
        assert client.get(path)["Location"].startswith("/accounts/login/")


def test_the_user_list_shows_superusers_who_has_two_factor_sign_in(client, doctor):
    confirmed_device(doctor)
    ClinicianFactory(username="drnone")
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD))
    rows = {u.username: u.has_two_factor for u in client.get("/admin/auth/user/").context["cl"].result_list}
    assert rows["drq"] is True and rows["drnone"] is False


# --- Enrolment belongs to the session that sets it up -----------------------------------------------


def test_each_session_gets_its_own_key_and_a_reload_keeps_it(doctor):
    owner, other = Client(), Client()
    for browser in (owner, other):
        sign_in(browser, "drq")
    first = key_on_page(owner.get("/accounts/two-factor/"))
    assert key_on_page(owner.get("/accounts/two-factor/")).key == first.key  # a reload: the same key
    assert key_on_page(other.get("/accounts/two-factor/")).key != first.key
    assert not TOTPDevice.objects.filter(user=doctor).exists()


def test_a_code_from_another_sessions_key_is_refused(doctor):
    owner, intruder = Client(), Client()
    for browser in (owner, intruder):
        sign_in(browser, "drq")
    owners_key = key_on_page(owner.get("/accounts/two-factor/"))
    intruders_key = key_on_page(intruder.get("/accounts/two-factor/"))

    # The intruder, who has the password, cannot finish with the owner's key, nor the owner with theirs.
    response = intruder.post("/accounts/two-factor/", {"otp_token": current_code(owners_key)})
    assert response.status_code == 400 and "That code is not right" in response.content.decode()
    response = owner.post("/accounts/two-factor/", {"otp_token": current_code(intruders_key)})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=doctor).exists()

    # The owner finishes with their own key; the intruder's key then opens nothing.
    assert owner.post("/accounts/two-factor/", {"otp_token": current_code(owners_key)}).status_code == 200
    assert TOTPDevice.objects.get(user=doctor, confirmed=True).key == owners_key.key
    assert intruder.get("/accounts/two-factor/")["Location"].startswith("/accounts/two-factor/verify/")
    response = intruder.post("/accounts/two-factor/verify/", {"otp_token": current_code(intruders_key)})
    assert response.status_code == 400
    assert intruder.get("/admin/").status_code == 302


def test_a_session_that_never_opened_the_page_cannot_confirm(client, doctor):
    sign_in(client, "drq")
    response = client.post("/accounts/two-factor/", {"otp_token": "123456"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=doctor).exists()


def test_a_wrong_code_keeps_the_key_and_the_right_one_then_works(client, doctor):
    sign_in(client, "drq")
    key = key_on_page(client.get("/accounts/two-factor/"))
    wrong = f"{(int(current_code(key)) + 500000) % 1000000:06d}"
    response = client.post("/accounts/two-factor/", {"otp_token": wrong})
    assert key_on_page(response).key == key.key
    assert client.post("/accounts/two-factor/", {"otp_token": current_code(key)}).status_code == 200
    assert twofactor.SETUP_KEY_SESSION_KEY not in client.session  # used up: the session no longer holds it


def test_the_code_that_confirms_does_not_also_sign_in(client, doctor):
    sign_in(client, "drq")
    key = key_on_page(client.get("/accounts/two-factor/"))
    client.post("/accounts/two-factor/", {"otp_token": current_code(key)})
    client.post("/accounts/logout/")
    sign_in(client, "drq")
    assert client.post("/accounts/two-factor/verify/", {"otp_token": current_code(key)}).status_code == 400


def test_an_unconfirmed_device_left_from_before_is_never_shown_and_goes_at_enrolment(client, doctor):
    old = TOTPDevice.objects.create(user=doctor, name="Authenticator app", confirmed=False)
    sign_in(client, "drq")
    key = key_on_page(client.get("/accounts/two-factor/"))
    assert key.key != old.key
    assert client.post("/accounts/two-factor/", {"otp_token": current_code(old)}).status_code == 400
    client.post("/accounts/two-factor/", {"otp_token": current_code(key)})
    assert list(TOTPDevice.objects.filter(user=doctor).values_list("key", "confirmed")) == [(key.key, True)]


# --- The owner hears of it by e-mail ------------------------------------------------------------------


def enrol(client, **extra) -> None:
    key = key_on_page(client.get("/accounts/two-factor/"))
    assert client.post("/accounts/two-factor/", {"otp_token": current_code(key), **extra}).status_code == 200


def assert_no_health_data(email, *private: str) -> None:
    text = f"{email.subject}\n{email.message}\n{email.html_message}".lower()
    for word in ("isotretinoin", "diary", "alert", "pregnan", "mood", "patient", *private):
        assert word.lower() not in text


def test_a_clinician_is_emailed_when_a_second_factor_is_set_up_on_their_account(client, doctor):
    patient = PatientFactory(display_name="Robin Quill")
    patient.clinicians.add(doctor)
    sign_in(client, "drq")
    enrol(client)
    email = Email.objects.get()
    assert email.to == [doctor.email]
    assert email.status == STATUS.queued  # through post-office's queue, like all other mail
    assert email.subject == "Two-factor sign-in was set up on your account"
    assert "If it was not you, someone else knows your password" in email.message
    assert_no_health_data(email, "Robin Quill", patient.user.username)


def test_a_patient_with_an_address_is_emailed_too_and_one_without_is_not(client, patient):
    patient.user.email = "pat@example.org"
    patient.user.save()
    patient.display_name = "Robin Quill"
    patient.save()
    sign_in(client, "pat", "/accounts/login/")
    enrol(client, password=PASSWORD)
    email = Email.objects.get()
    assert email.to == ["pat@example.org"]
    assert_no_health_data(email, "Robin Quill")

    Email.objects.all().delete()
    quiet = PatientFactory(user__username="quiet", user__email="")
    other = Client()
    sign_in(other, "quiet", "/accounts/login/")
    enrol(other)
    assert TOTPDevice.objects.filter(user=quiet.user, confirmed=True).exists()
    assert not Email.objects.exists()


def test_a_wrong_code_sends_no_email(client, doctor):
    sign_in(client, "drq")
    client.get("/accounts/two-factor/")
    client.post("/accounts/two-factor/", {"otp_token": "000000"})
    assert not Email.objects.exists()


def test_the_owner_is_emailed_when_a_superuser_resets_their_second_factor(client, doctor):
    confirmed_device(doctor)
    root = get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(root)
    client.post("/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [doctor.pk]})
    email = Email.objects.get()
    assert email.to == [doctor.email]
    assert email.subject == "Two-factor sign-in was reset on your account"
    assert "If you did not ask for this, contact your clinic" in email.message
    assert_no_health_data(email)


@pytest.mark.server
def test_sessions_confirming_at_the_same_moment_enrol_one_authenticator():
    with running_server(workers=4) as server:
        browsers = []
        for _ in range(6):  # the patient "racer" on six browsers, each on the setup page
            browser, token = signed_in_client(server)
            page = browser.get("/accounts/two-factor/").text
            uri = html.unescape(re.search(r"<code[^>]*data-otpauth-uri>([^<]+)</code>", page)[1])
            secret = parse_qs(urlparse(uri).query)["secret"][0]
            key = TOTPDevice(key=base64.b32decode(secret + "=" * (-len(secret) % 8)).hex())
            browsers.append((browser, csrf_token(page), key))
        assert len({key.key for _, _, key in browsers}) == 6
        barrier = threading.Barrier(6, timeout=30)

        def confirm(one) -> int:
            browser, token, key = one
            barrier.wait()
            return browser.post("/accounts/two-factor/", data={"otp_token": current_code(key),
                                                               "csrfmiddlewaretoken": token}).status_code

        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(confirm, browsers))
        for browser, _, _ in browsers:
            browser.close()
        assert statuses.count(200) == 1, statuses
        assert all(s in (200, 302, 400) for s in statuses), statuses
        assert server.query("SELECT COUNT(*), SUM(CASE WHEN confirmed THEN 1 ELSE 0 END) FROM otp_totp_totpdevice") \
            == [(1, 1)]


def test_a_reset_of_an_account_that_had_no_second_factor_sends_no_email(client, doctor):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD))
    client.post("/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [doctor.pk]})
    assert LogEntry.objects.filter(object_id=doctor.pk, additional_data__event="two-factor reset").exists()
    assert not Email.objects.exists()


# --- A request sent with the key from before a sign-in step -----------------------------------
# Chromium checks /sw.js for an update after each navigation, with the cookies it had before it: the
# check after the code's POST carries the old session key and arrives after the new key was set.


def stale_request(old_key: str, path: str, method: str = "get"):
    """What the server answers a request carrying a session key that has just been replaced."""
    browser_tab = Client()
    browser_tab.cookies["sessionid"] = old_key
    return getattr(browser_tab, method)(path)


@pytest.mark.parametrize("path", ["/sw.js", "/manifest.webmanifest", "/", "/admin/"])
def test_a_request_with_the_key_from_before_enrolment_does_not_sign_the_clinician_out(client, doctor, path):
    sign_in(client, "drq")
    device = key_on_page(client.get("/accounts/two-factor/?next=/admin/"))
    old_key = client.session.session_key
    client.post("/accounts/two-factor/", {"otp_token": current_code(device), "next": "/admin/"})

    response = stale_request(old_key, path)

    assert "sessionid" not in response.cookies  # neither deleted nor replaced in the browser
    assert client.get("/admin/core/patient/").status_code == 200  # still signed in with the new key


def test_a_request_with_the_key_from_before_the_code_does_not_sign_the_clinician_out(client, doctor):
    device = confirmed_device(doctor)
    sign_in(client, "drq")
    old_key = client.session.session_key
    client.post("/accounts/two-factor/verify/", {"otp_token": current_code(device), "next": "/admin/"})
    assert client.session.session_key != old_key

    assert "sessionid" not in stale_request(old_key, "/sw.js").cookies
    assert client.get("/admin/").status_code == 200


def test_the_old_key_opens_nothing_and_signing_out_still_removes_the_cookie(client, doctor):
    device = confirmed_device(doctor)
    sign_in(client, "drq")
    old_key = client.session.session_key
    client.post("/accounts/two-factor/verify/", {"otp_token": current_code(device), "next": "/admin/"})

    response = stale_request(old_key, "/admin/core/patient/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "Cookie" in response["Vary"]

    signed_out = client.post("/admin/logout/")
    assert signed_out.cookies["sessionid"].value == ""  # the browser drops it
    assert client.get("/admin/").status_code == 302
