"""Settings come from the environment; ambiguous values and unsafe production setups refuse to start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from isodiary.env import env_bool

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("TRUE", True), ("0", False),
                                           ("false", False), ("", None)])
def test_env_bool_reads_1_0_true_false(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=None) is expected


@pytest.mark.parametrize("raw", ["yes", "on", "2", "tru"])
def test_env_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    with pytest.raises(ImproperlyConfigured):
        env_bool("FLAG", default=False)


def _start(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; import os; os.environ['DJANGO_SETTINGS_MODULE']='isodiary.settings';"
         " django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60,
    )


def test_debug_is_off_unless_set_and_a_missing_secret_key_is_refused():
    result = _start()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_development_key_is_refused_without_debug():
    result = _start(SECRET_KEY="django-insecure-isodiary-local-development-only")
    assert "SECRET_KEY must be set" in result.stderr


def test_it_starts_with_a_real_key_and_debug_off():
    result = _start(SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_a_bad_boolean_stops_start_up():
    result = _start(DEBUG="yes")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_manage_py_reads_the_local_env_file_but_the_real_environment_wins(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("manage", ROOT / "manage.py")
    manage = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(manage)
    env_file = tmp_path / ".env"
    env_file.write_text("# local only\nISODIARY_A=from-file\nISODIARY_B=from-file\n")
    monkeypatch.delenv("ISODIARY_A", raising=False)
    monkeypatch.setenv("ISODIARY_B", "from-environment")
    manage.load_local_env(env_file)
    assert os.environ["ISODIARY_A"] == "from-file"
    assert os.environ["ISODIARY_B"] == "from-environment"
    monkeypatch.delenv("ISODIARY_A")


def test_a_django_warning_is_logged_once_in_development():
    # runserver (make run) sets DEBUG: Django's own console handler and the root's used to print
    # every django.request line twice.
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env.update(DEBUG="1")
    result = subprocess.run(
        [sys.executable, "-c", "import django, logging, os; os.environ['DJANGO_SETTINGS_MODULE']='isodiary.settings';"
         " django.setup(); logging.getLogger('django.request').warning('Not Found: /nowhere')"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Not Found: /nowhere") == 1


@pytest.mark.parametrize("name, raw", [("DIGEST_HOUR", "24"), ("DIGEST_HOUR", "-1"), ("DIGEST_HOUR", "7am"),
                                       ("ESCALATE_AFTER_HOURS", "0"), ("ESCALATE_AFTER_HOURS", "four"),
                                       ("EMAIL_PORT", "smtp"), ("EMAIL_USE_TLS", "yes"),
                                       ("ESCALATION_EMAIL", "a@clinic.example, b@clinic.example")])
def test_mail_settings_refuse_ambiguous_values(name, raw):
    result = _start(SECRET_KEY="x" * 50, **{name: raw})
    assert result.returncode != 0
    assert name in result.stderr


def test_mail_settings_are_read_from_the_environment():
    env = {"SECRET_KEY": "x" * 50, "EMAIL_HOST": "smtp.clinic.example", "EMAIL_PORT": "587", "EMAIL_USE_TLS": "1",
           "EMAIL_HOST_USER": "isodiary", "DIGEST_HOUR": "0", "ESCALATE_AFTER_HOURS": "2",
           "ESCALATION_EMAIL": "team@clinic.example", "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='isodiary.settings'; django.setup();"
            " from django.conf import settings as s; print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS,"
            " s.EMAIL_HOST_USER, s.DIGEST_HOUR, s.ESCALATE_AFTER_HOURS, s.ESCALATION_EMAIL,"
            " s.POST_OFFICE['BACKENDS']['default'])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.split() == ["smtp.clinic.example", "587", "True", "isodiary", "0", "2",
                                     "team@clinic.example", "django.core.mail.backends.smtp.EmailBackend"]


def test_the_suite_runs_in_the_time_zone_of_the_environment(settings):
    """The test settings must not pin TIME_ZONE: `make test` runs the suite once more at UTC+14, and a
    pinned zone would make that run one at UTC (issue 21)."""
    from django.utils import timezone

    assert settings.TIME_ZONE == os.environ.get("TIME_ZONE", "UTC")
    assert str(timezone.get_default_timezone()) == settings.TIME_ZONE
