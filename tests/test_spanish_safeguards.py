"""What a review of the Spanish machinery (issue 25) found, each kept from coming back: the Spanish
rule text following the English, a Spanish advice saying the opposite, the patient's language on the
clinician's page, nothing of one visitor in the page kept for all, one service-worker version for
both languages, another site setting someone's language, and an uncompiled catalog."""

import shutil
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core import push_views
from core.models import Rule
from tests.test_spanish_warnings import rule_form, superuser_client  # noqa: F401 (a fixture)
from tests.test_translation_makemessages import NOT_SOURCES, REPO

pytestmark = pytest.mark.django_db


def test_changing_a_rules_english_without_its_spanish_is_refused(superuser_client):  # noqa: F811
    rule = Rule.objects.get(code="sunburn")
    url = f"/admin/core/rule/{rule.pk}/change/"
    new_advice = "Cool the skin with a damp cloth and keep out of the sun until it heals."

    response = superuser_client.post(url, rule_form(rule, advice=new_advice))
    assert response.status_code == 200 and "The English text above changed" in response.content.decode()
    rule.refresh_from_db()
    assert rule.advice != new_advice

    spanish = "Refresque la piel con un paño húmedo y no se exponga al sol hasta que sane."
    assert superuser_client.post(url, rule_form(rule, advice=new_advice, advice_es=spanish)).status_code == 302
    rule.refresh_from_db()
    assert (rule.advice, rule.advice_es) == (new_advice, spanish)
    # Or the Spanish emptied: Spanish-speaking patients then read the English.
    assert superuser_client.post(url, rule_form(rule, message="You said you got sunburned.",
                                                message_es="")).status_code == 302


@pytest.mark.parametrize("advice_es, refused", [
    ("No deje de tomar isotretinoína por esto; coméntelo en su próxima cita.", True),
    ("Nunca deje de tomar isotretinoína sin hablar con su médico.", True),
    ("Deje de tomar la isotretinoína y llame de inmediato al médico que se la receta.", False),
    ("Deje de tomar isotretinoína y llame de inmediato al médico que se la receta.", False),
])
def test_spanish_advice_that_says_not_to_stop_cannot_stand_for_stop(advice_es, refused):
    rule = Rule.objects.get(code="mood-low")
    rule.advice_es = advice_es
    if refused:
        with pytest.raises(ValidationError, match="the Spanish must say so too"):
            rule.full_clean()
    else:
        rule.full_clean()


def test_the_clinician_sees_the_patients_language_on_the_patient_page(client, clinician, patient):
    patient.clinicians.add(clinician)
    patient.language = "es"
    patient.save()
    client.force_login(clinician)
    page = client.get(f"/admin/core/patient/{patient.pk}/change/").content.decode()
    assert "Language" in page and 'class="readonly">Español<' in page


def test_the_page_kept_for_all_visitors_holds_nothing_of_the_first_one(client):
    client.get("/learn/mood/?campaign=robin%40example.org")
    page = client.get("/learn/mood/").content.decode()
    assert "robin" not in page and "campaign" not in page
    assert 'name="next" value="/learn/mood/"' in page


def test_the_service_worker_has_one_version_whatever_language_asked_first():
    versions = set()
    for language in ("es", "en"):
        with translation.override(language):
            versions.add(push_views.contents_version())
    assert len(versions) == 1


@pytest.mark.parametrize("headers, allowed", [
    ({}, True),
    ({"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}, True),
    ({"HTTP_ORIGIN": "https://evil.example"}, False),
    ({"HTTP_SEC_FETCH_SITE": "cross-site"}, False),
])
def test_a_visitors_language_cannot_be_set_from_another_site(client, headers, allowed):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"}, **headers)
    assert (response.status_code == 302) == allowed
    assert ("django_language" in response.cookies) == allowed
    if not allowed:
        assert response.status_code == 403


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext")
def test_the_app_does_not_start_without_the_compiled_spanish(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(REPO, copy, ignore=NOT_SOURCES)  # the sources without the compiled .mo
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "isodiary.settings", "DEBUG": "1"}
    check = [sys.executable, "manage.py", "check"]
    missing = subprocess.run(check, cwd=copy, env=env, capture_output=True, text=True)
    assert missing.returncode != 0 and "core.E002" in missing.stderr
    subprocess.run([sys.executable, "manage.py", "compilemessages", "-l", "es"], cwd=copy, env=env, check=True,
                   capture_output=True)
    assert subprocess.run(check, cwd=copy, env=env, capture_output=True).returncode == 0
