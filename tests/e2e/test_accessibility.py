"""axe-core (shipped inside the axe-playwright-python wheel, no download) on every patient-facing page."""


import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD, EntryFactory, PatientFactory, patient_today

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC = ["/", "/accounts/signup/", "/accounts/login/", "/learn/", "/learn/mood/", "/learn/warning-signs/",
          "/learn/?q=sun"]
SIGNED_IN = ["/", "/diary/", "/diary/new/", f"/diary/{patient_today().isoformat()}/", "/accounts/profile/",
             "/mood-check/", "/pregnancy/", "/accounts/two-factor/", "/accounts/delete/",
             "/accounts/sessions/sign-out-others/"]


def serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_public_pages_have_no_serious_violations(server, screen, shoot):
    for path in PUBLIC:
        screen.goto(server.url + path)
        assert serious(screen) == [], path


def test_patient_pages_have_no_serious_violations(server, screen, shoot):
    patient = PatientFactory(user__username="axe", can_become_pregnant=True, course_start=patient_today())
    EntryFactory(patient=patient, date=patient_today(), lip_dryness=8, notes="fine")
    screen.goto(server.url + "/accounts/login/")
    screen.fill("#id_username", "axe")
    screen.fill("#id_password", PASSWORD)
    screen.locator("main form [type=submit]").click()
    for path in SIGNED_IN:
        screen.goto(server.url + path)
        assert serious(screen) == [], path


def test_the_entry_form_with_errors_has_no_serious_violations(server, screen, shoot):
    PatientFactory(user__username="axe2")
    screen.goto(server.url + "/accounts/login/")
    screen.fill("#id_username", "axe2")
    screen.fill("#id_password", PASSWORD)
    screen.locator("main form [type=submit]").click()
    screen.goto(server.url + "/diary/new/")
    screen.fill("#id_sun_minutes", "5000")
    screen.get_by_role("button", name="Save").click()
    assert screen.locator(".invalid-feedback").count() >= 4
    shoot(screen, "entry-form-errors-axe")
    assert serious(screen) == []
