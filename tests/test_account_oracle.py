"""Issue 20, item 5: sign-up never tells whether an e-mail address is registered, and sign-up and
password reset are limited per client address, counted in the database."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from post_office.models import Email

from core.models import Patient, RateCount
from isodiary.env import parse_rate
from tests.conftest import Client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a-Long-pass-phrase-77"


def signup(client, username: str, email: str):
    return client.post("/accounts/signup/", {"username": username, "email": email, "password1": PASSWORD,
                                             "password2": PASSWORD}, follow=True)


def same_page(response, username: str) -> str:
    page = response.content.decode().replace(username, "NAME")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_signup_answers_the_same_for_a_known_and_an_unknown_address():
    UserFactory(username="owner", email="taken@example.com")
    known = signup(Client(), "newa", "TAKEN@example.com")
    unknown = signup(Client(), "newb", "free@example.com")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain == [("/", 302)]
    # The same page, apart from the name each new patient chose and the form's CSRF token.
    assert same_page(known, "newa") == same_page(unknown, "newb")
    assert "already" not in known.content.decode()


def test_a_second_account_on_a_known_address_is_signed_in_at_once(client):
    UserFactory(username="owner", email="taken@example.com")
    response = signup(client, "second", "taken@example.com")
    user = User.objects.get(username="second")
    assert response.context["user"] == user
    assert Patient.objects.filter(user=user).exists()
    assert client.get("/diary/new/").status_code == 200


def test_the_owner_of_the_address_is_told_by_a_queued_email_without_health_data():
    UserFactory(username="owner", email="taken@example.com")
    signup(Client(), "second", "Taken@Example.com")
    signup(Client(), "third", "free@example.com")
    queued = Email.objects.get()  # one, to the owner; none for a new address
    assert queued.to == ["taken@example.com"]
    text = (queued.subject + queued.message).lower()
    assert "second" not in text and "isodiary" not in text and "isotretinoin" not in text
    assert "/accounts/password_reset/" in queued.message


def test_password_reset_sends_a_link_for_each_account_on_the_address(client):
    UserFactory(username="owner", email="taken@example.com")
    signup(Client(), "second", "taken@example.com")
    assert client.post("/accounts/password_reset/", {"email": "taken@example.com"}).status_code == 302
    assert sorted(re.search(r"forgotten, you are: (\S+)", m.body).group(1)
                  for m in mail.outbox) == ["owner", "second"]
    assert [m.subject for m in mail.outbox] == ["Password reset", "Password reset"]


# --- Rate limits --------------------------------------------------------------------------------


def test_signup_is_limited_per_client_address(settings):
    settings.SIGNUP_RATE_LIMIT = "2/h"
    first, other = Client(REMOTE_ADDR="127.0.0.5"), Client(REMOTE_ADDR="127.0.0.6")
    assert signup(first, "a1", "a1@example.com").status_code == 200
    assert signup(Client(REMOTE_ADDR="127.0.0.5"), "a2", "a2@example.com").status_code == 200
    refused = Client(REMOTE_ADDR="127.0.0.5").post("/accounts/signup/", {"username": "a3", "email": "a3@example.com",
                                                                          "password1": PASSWORD, "password2": PASSWORD})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert not User.objects.filter(username="a3").exists()
    assert signup(other, "b1", "b1@example.com").status_code == 200  # another address has its own count
    assert Client(REMOTE_ADDR="127.0.0.5").get("/accounts/signup/").status_code == 200  # the page itself shows


def test_password_reset_is_limited_per_client_address(settings):
    settings.PASSWORD_RESET_RATE_LIMIT = "3/m"
    UserFactory(username="owner", email="taken@example.com")
    client = Client(REMOTE_ADDR="127.0.0.7")
    statuses = [client.post("/accounts/password_reset/", {"email": "taken@example.com"}).status_code
                for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    other = Client(REMOTE_ADDR="127.0.0.8")
    assert other.post("/accounts/password_reset/", {"email": "x@example.com"}).status_code == 302


def test_the_count_goes_on_in_a_new_window_and_old_windows_are_deleted(settings, monkeypatch):
    settings.PASSWORD_RESET_RATE_LIMIT = "1/m"
    now = datetime(2026, 12, 7, 10, 0, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    client = Client(REMOTE_ADDR="127.0.0.9")
    post = lambda: client.post("/accounts/password_reset/", {"email": "x@example.com"}).status_code  # noqa: E731
    assert [post(), post()] == [302, 429]
    now += timedelta(seconds=30)  # the next minute
    assert post() == 302
    now += timedelta(days=2)
    assert post() == 302
    assert RateCount.objects.count() == 1  # the windows that are over are gone


@pytest.mark.parametrize("raw", ["10", "10/s", "0/h", "-1/h", "x/h", "10/hour", "１０/h", "10/h/d", "1e3/h"])
def test_a_bad_rate_stops_start_up(raw):
    with pytest.raises(ImproperlyConfigured, match="COUNT/PERIOD"):
        parse_rate("SIGNUP_RATE_LIMIT", raw)


@pytest.mark.parametrize("raw, rate", [("10/h", (10, 3600)), ("5/m", (5, 60)), ("1/d", (1, 86400))])
def test_rates_are_read_as_written(raw, rate):
    assert parse_rate("X", raw) == rate
