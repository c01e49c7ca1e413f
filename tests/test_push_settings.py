"""The push settings come from the environment; bad values stop start-up (issue 24)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from isodiary.env import env_origins, vapid_keys, vapid_subject
from tests.pushservice import vapid_pair
from tests.test_settings_env import _start


def test_no_keys_means_push_is_off():
    assert vapid_keys("", "") == ("", "")


def test_a_matching_pair_is_taken():
    public, private = vapid_pair()
    assert vapid_keys(f" {public} ", private) == (public, private)


@pytest.mark.parametrize("which", ["mismatch", "public only", "private only", "garbage", "short"])
def test_anything_but_a_matching_pair_is_refused(which):
    public, private = vapid_pair()
    other_public, _ = vapid_pair()
    pairs = {"mismatch": (other_public, private), "public only": (public, ""), "private only": ("", private),
             "garbage": ("not-a-key!", "@@"), "short": (public[:40], private)}
    with pytest.raises(ImproperlyConfigured, match="matching P-256 key pair"):
        vapid_keys(*pairs[which])


@pytest.mark.parametrize("subject, ok", [("mailto:clinic@example.org", True), ("https://clinic.example.org", True),
                                         ("clinic@example.org", False), ("http://clinic.example.org", False),
                                         ("", False)])
def test_the_subject_is_a_mailto_or_https_address_when_keys_are_set(subject, ok):
    if ok:
        assert vapid_subject(subject, required=True) == subject
    else:
        with pytest.raises(ImproperlyConfigured, match="VAPID_SUBJECT"):
            vapid_subject(subject, required=True)


def test_origins_are_parsed_with_default_ports_and_wildcards(monkeypatch):
    monkeypatch.setenv("ORIGINS", "https://fcm.googleapis.com, http://127.0.0.1:9000,https://*.notify.windows.com")
    assert env_origins("ORIGINS", []) == [("https", "fcm.googleapis.com", 443), ("http", "127.0.0.1", 9000),
                                          ("https", "*.notify.windows.com", 443)]


@pytest.mark.parametrize("bad", ["fcm.googleapis.com", "ftp://x.example", "https://x.example/path",
                                 "https://x.example:99999", "https://user@x.example", "https://x.example?q=1"])
def test_a_bad_origin_is_refused(monkeypatch, bad):
    monkeypatch.setenv("ORIGINS", bad)
    with pytest.raises(ImproperlyConfigured, match="ORIGINS must be origins"):
        env_origins("ORIGINS", [])


def test_bad_values_stop_start_up_and_good_ones_start():
    public, private = vapid_pair()
    good = {"SECRET_KEY": "x" * 60, "VAPID_PUBLIC_KEY": public, "VAPID_PRIVATE_KEY": private,
            "VAPID_SUBJECT": "mailto:clinic@example.org"}
    assert _start(**good).returncode == 0
    result = _start(**{**good, "VAPID_PRIVATE_KEY": vapid_pair()[1]})
    assert result.returncode != 0 and "matching P-256 key pair" in result.stderr
    result = _start(**{**good, "VAPID_SUBJECT": ""})
    assert result.returncode != 0 and "VAPID_SUBJECT" in result.stderr
    result = _start(**{**good, "WEBPUSH_ALLOWED_ORIGINS": "push.example.com"})
    assert result.returncode != 0 and "WEBPUSH_ALLOWED_ORIGINS must be origins" in result.stderr
