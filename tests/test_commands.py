import re
import time
from datetime import time as clock
from io import StringIO
from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from core.models import is_clinician
from tests.conftest import Client
from tests.factories import ClinicianFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_createclinician_with_noinput_reads_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_CLINICIAN_PASSWORD", "a-Long-clinic-phrase-9")
    call_command("createclinician", "drnew", "--email", "dr@example.com", "--noinput")
    user = User.objects.get(username="drnew")
    assert is_clinician(user) and not user.is_superuser
    assert user.email == "dr@example.com"
    assert user.check_password("a-Long-clinic-phrase-9")


def test_createclinician_without_a_password_fails_clearly(monkeypatch):
    monkeypatch.delenv("DJANGO_CLINICIAN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DJANGO_CLINICIAN_PASSWORD"):
        call_command("createclinician", "drnew", "--email", "dr@example.com", "--noinput")
    assert not User.objects.filter(username="drnew").exists()


def test_createclinician_refuses_a_weak_password_or_an_existing_user(monkeypatch):
    monkeypatch.setenv("DJANGO_CLINICIAN_PASSWORD", "password")
    with pytest.raises(CommandError, match="Password rejected"):
        call_command("createclinician", "drnew", "--email", "dr@example.com", "--noinput")
    UserFactory(username="taken")
    monkeypatch.setenv("DJANGO_CLINICIAN_PASSWORD", "a-Long-clinic-phrase-9")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createclinician", "taken", "--email", "dr@example.com", "--noinput")


def test_createclinician_prompts_for_the_password(monkeypatch):
    answers = iter(["a-Long-clinic-phrase-9", "a-Long-clinic-phrase-9"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("createclinician", "drprompt", "--email", "dr@example.com")
    assert User.objects.get(username="drprompt").check_password("a-Long-clinic-phrase-9")


def test_assignpatient_assigns_and_allows_several_clinicians():
    patient = PatientFactory(user__username="pat")
    ClinicianFactory(username="dr1")
    ClinicianFactory(username="dr2")
    call_command("assignpatient", "pat", "dr1")
    call_command("assignpatient", "pat", "dr2")
    call_command("assignpatient", "pat", "dr2")  # again: no error, no duplicate
    assert sorted(patient.clinicians.values_list("username", flat=True)) == ["dr1", "dr2"]


@pytest.mark.parametrize(
    "patient_name, clinician_name, message",
    [("ghost", "dr1", "No user named 'ghost'"), ("pat", "ghost", "No user named 'ghost'"),
     ("pat", "plain", "not a clinician"), ("dr2", "dr1", "staff account, not a patient")],
)
def test_assignpatient_errors(patient_name, clinician_name, message):
    PatientFactory(user__username="pat")
    UserFactory(username="plain")
    ClinicianFactory(username="dr1")
    ClinicianFactory(username="dr2")
    with pytest.raises(CommandError, match=message):
        call_command("assignpatient", patient_name, clinician_name)


def test_seed_demo_creates_accounts_with_entries_and_prints_credentials(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for name in ("dr.demo", "alex", "sam"):
        assert f"username: {name}" in out
    sam = User.objects.get(username="sam").patient
    assert sam.entries.count() >= 15
    assert sam.clinicians.filter(username="dr.demo").exists()
    call_command("seed_demo")  # idempotent
    assert User.objects.filter(username="sam").count() == 1


def test_createclinician_says_what_the_first_sign_in_asks(monkeypatch, capsys):
    monkeypatch.setenv("DJANGO_CLINICIAN_PASSWORD", "a-Long-clinic-pass-63")
    call_command("createclinician", "drtwo", "--email", "dr@example.com", "--noinput")
    out = capsys.readouterr().out
    assert "set up two-factor sign-in" in out and "recovery codes" in out


def test_seed_demo_says_what_the_clinicians_first_sign_in_asks_and_resets_on_request(capsys):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("seed_demo")
    assert "dr.demo is asked to set up two-factor sign-in" in capsys.readouterr().out
    alex = User.objects.get(username="alex")
    alex.patient.entries.all().delete()
    TOTPDevice.objects.create(user=User.objects.get(username="dr.demo"), name="lost phone", confirmed=True)
    call_command("seed_demo", "--reset")
    assert User.objects.get(username="alex").patient.entries.count() >= 15
    assert not TOTPDevice.objects.filter(user__username="dr.demo").exists()


def test_send_reminders_prints_only_when_it_sent_something():
    def output(**options) -> str:
        out = StringIO()
        call_command("send_reminders", stdout=out, **options)
        return out.getvalue()

    assert output() == ""  # every 15 minutes from cron: nothing to mail the server's admin
    assert output(verbosity=2) == "0 reminders sent.\n"
    patient = PatientFactory(reminder_time=clock(0))
    assert output() == "1 reminder sent.\n"
    assert patient.reminders.count() == 1


# --- createclinician --setup-link ------------------------------------------------------------------


def setup_link(capsys, *args) -> str:
    call_command("createclinician", "drlink", "--email", "dr@example.com", "--setup-link", *args)
    out = capsys.readouterr().out
    return re.search(r"http://\S+", out)[0]


def test_createclinician_with_a_setup_link_sets_no_password_and_asks_for_none(monkeypatch, capsys):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": pytest.fail("asked for a password"))
    link = setup_link(capsys)
    user = User.objects.get(username="drlink")
    assert is_clinician(user) and not user.has_usable_password()
    assert re.fullmatch(r"https?://[^/]+/accounts/reset/[\w-]+/[\w-]+/", link)


CHOSEN = "a-Long-clinic-phrase-9"


def choose_password(client, link: str):
    response = client.get(urlparse(link).path)
    assert response.status_code == 302, "the link was refused"
    return client.post(response["Location"], {"new_password1": CHOSEN, "new_password2": CHOSEN})


def test_the_setup_link_sets_the_password_once_then_the_clinician_enrols(client, capsys):
    link = setup_link(capsys)
    response = choose_password(client, link)
    assert response.status_code == 302 and response["Location"] == "/accounts/reset/done/"
    assert User.objects.get(username="drlink").check_password(CHOSEN)

    # Used once: the same link now says so, and cannot change the password again.
    again = Client()
    response = again.get(urlparse(link).path)
    assert response.status_code == 200 and "This link has expired" in response.content.decode()
    # The reset form sends nothing to an account that never had a password: the page says whom to ask.
    assert "ask the person who gave it to you for a new one" in response.content.decode()
    assert User.objects.get(username="drlink").check_password(CHOSEN)

    # The owner signs in with the password they chose and is sent to set up two-factor sign-in.
    client.post("/admin/login/?next=/admin/", {"username": "drlink", "password": CHOSEN})
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/")


def test_before_the_link_is_used_nobody_can_sign_in_or_reset_the_password(client, capsys):
    setup_link(capsys)
    response = client.post("/accounts/login/", {"username": "drlink", "password": "anything-at-all-1"})
    assert response.status_code in (200, 400) and "_auth_user_id" not in client.session
    client.post("/accounts/password_reset/", {"email": "dr@example.com"})
    assert not mail.outbox  # Django sends no reset to an account without a usable password


@override_settings(PASSWORD_RESET_TIMEOUT=1)
def test_the_setup_link_expires(client, capsys):
    link = setup_link(capsys)
    time.sleep(2.1)  # the token's age is counted in whole seconds
    response = client.get(urlparse(link).path)
    assert response.status_code == 200 and "This link has expired" in response.content.decode()
    assert not User.objects.get(username="drlink").has_usable_password()


def test_a_new_link_for_a_clinician_who_has_not_used_theirs_and_none_for_anyone_else(client, capsys):
    first = setup_link(capsys)
    second = setup_link(capsys)  # the same username again: a new link, not an error
    assert choose_password(client, second).status_code == 302
    with pytest.raises(CommandError, match="already exists"):
        setup_link(capsys)  # the password is set now: no more links
    PatientFactory(user__username="patlink")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createclinician", "patlink", "--email", "p@example.com", "--setup-link")
    # The first link died with the password change too.
    assert "This link has expired" in Client().get(urlparse(first).path).content.decode()
