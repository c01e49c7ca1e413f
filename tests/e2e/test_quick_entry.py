"""Issue 22 in a browser at 360×740: a typical day in three taps, the red-flag list behind one
question (and simply shown without JavaScript), and the time zone taken from the browser at sign-up."""

from datetime import UTC, datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from core.models import DiaryEntry, Patient
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.test_flows import sign_in, sign_up
from tests.factories import EntryFactory, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)
TWO_SCREENS_PX = 2 * VIEWPORTS["phone"]["viewport"]["height"]  # 1,480


def phone_page(browser, problems: list, **options):
    context = browser.new_context(**VIEWPORTS["phone"], **options)
    page = context.new_page()
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return context, page


def serious(page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in violations
            if v["impact"] in ("serious", "critical")]


def test_a_typical_day_takes_three_taps_on_a_phone(server, browser, shoot):
    problems: list[str] = []
    context, page = phone_page(browser, problems)
    patient = PatientFactory(user__username="quick", daily_dose_mg=40)
    today = patient.today()
    EntryFactory(patient=patient, date=today - timedelta(days=1), skin_dryness=4, lip_dryness=6, eye_dryness=2,
                 mood=3, notes="yesterday's note", symptoms=["jaundice"], anything_unusual="yes")
    sign_in(page, server.url, "quick")

    # The dashboard's first screen holds the link to today's entry.
    link = page.get_by_role("link", name="Write today's entry")
    expect(link).to_be_in_viewport()
    link.click()
    form = page.locator("form.entry-form")
    height = form.bounding_box()["height"]
    shoot(page, "typical-day-form")
    print(f"\nentry form with yesterday logged, 360×740: {height:.0f} px (page "
          f"{page.evaluate('document.documentElement.scrollHeight')} px)")
    assert height <= TWO_SCREENS_PX
    # Dryness carried over from yesterday, with its note; mood, red flags and notes not.
    expect(page.locator("#id_lip_dryness_6")).to_be_checked()
    expect(page.locator("#id_skin_dryness_helptext")).to_contain_text("Same as")
    expect(page.locator("input[name=mood]:checked")).to_have_count(0)
    expect(page.locator("input[name=anything_unusual]:checked")).to_have_count(0)
    expect(page.locator("input[name=symptoms]:checked")).to_have_count(0)
    expect(page.locator("#id_notes")).to_have_value("")
    # The red-flag list is in the page, hidden until "yes".
    expect(page.locator("input[name=symptoms]")).not_to_have_count(0)
    expect(page.locator("#div_id_symptoms")).to_be_hidden()
    assert serious(page) == []

    taps = 0
    for target in [page.locator("label[for=id_mood_7]"), page.get_by_label("No", exact=True),
                   page.get_by_role("button", name="Save")]:
        target.tap()
        taps += 1
    expect(page.get_by_text("Saved. Thank you for logging today.")).to_be_visible()
    assert taps == 3
    entry = DiaryEntry.objects.get(patient=patient, date=today)
    assert (entry.skin_dryness, entry.lip_dryness, entry.eye_dryness, entry.mood) == (4, 6, 2, 7)
    assert (entry.anything_unusual, entry.symptoms, entry.notes, entry.dose_mg) == ("no", [], "", 40)
    context.close()
    assert problems == [], problems


def test_the_red_flag_list_opens_under_yes(server, browser, shoot):
    problems: list[str] = []
    context, page = phone_page(browser, problems)
    patient = PatientFactory(user__username="unusual")
    sign_in(page, server.url, "unusual")
    page.goto(server.url + "/diary/new/")
    checklist = page.locator("#div_id_symptoms")
    expect(checklist).to_be_hidden()
    page.get_by_label("Yes", exact=True).tap()
    expect(checklist).to_be_visible()
    page.get_by_label("No", exact=True).tap()
    expect(checklist).to_be_hidden()
    page.get_by_label("Yes", exact=True).tap()
    for field, value in {"skin_dryness": 2, "lip_dryness": 2, "eye_dryness": 1, "mood": 7}.items():
        page.locator(f"label[for=id_{field}_{value}]").tap()
    page.get_by_label("Yellow skin or eyes, or dark urine").check()
    # A ticked sign keeps the list open even when the answer turns to "no", and is saved as "yes".
    page.get_by_label("No", exact=True).tap()
    expect(checklist).to_be_visible()
    shoot(page, "ticked-sign-with-no")
    assert serious(page) == []
    page.get_by_role("button", name="Save").tap()
    expect(page.locator('[data-warning="red-flag"]')).to_have_attribute("data-severity", "urgent")
    entry = DiaryEntry.objects.get(patient=patient)
    assert (entry.anything_unusual, entry.symptoms) == ("yes", ["jaundice"])
    # Editing asks again: the stored answer is not pre-checked, the ticked sign keeps the list open.
    page.goto(f"{server.url}/diary/{entry.date.isoformat()}/")
    expect(page.locator("input[name=anything_unusual]:checked")).to_have_count(0)
    expect(checklist).to_be_visible()
    context.close()
    assert problems == [], problems


def test_without_javascript_the_list_is_shown_and_a_ticked_sign_is_kept(server, browser, shoot):
    problems: list[str] = []
    context, page = phone_page(browser, problems, java_script_enabled=False)
    patient = PatientFactory(user__username="noscript")
    sign_in(page, server.url, "noscript")
    page.goto(server.url + "/diary/new/")
    expect(page.locator("#div_id_symptoms")).to_be_visible()
    shoot(page, "form-without-javascript")
    for field, value in {"skin_dryness": 2, "lip_dryness": 2, "eye_dryness": 1, "mood": 7}.items():
        page.locator(f"label[for=id_{field}_{value}]").click()
    page.get_by_role("button", name="Save").click()  # no answer, no sign: a clear error, nothing saved
    expect(page.locator("#id_anything_unusual_error")).to_contain_text("Answer yes or no")
    assert not DiaryEntry.objects.filter(patient=patient).exists()
    page.get_by_label("A seizure (convulsion)").check()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator('[data-warning="red-flag"]')).to_have_attribute("data-severity", "urgent")
    assert DiaryEntry.objects.get(patient=patient).anything_unusual == "yes"
    context.close()
    assert problems == [], problems


def test_sign_up_takes_the_browsers_time_zone(server, browser):
    problems: list[str] = []
    context, page = phone_page(browser, problems, timezone_id="America/Chicago")
    sign_up(page, server.url, "chicago")
    assert Patient.objects.get(user__username="chicago").time_zone == "America/Chicago"
    context.close()
    assert problems == [], problems


def test_the_dashboard_shows_todays_link_first_and_a_missed_day_is_one_tap_away(server, browser, shoot):
    from core import services

    problems: list[str] = []
    context, page = phone_page(browser, problems)
    patient = PatientFactory(user__username="warned")
    today = patient.today()
    Patient.objects.filter(pk=patient.pk).update(created_at=patient.created_at - timedelta(days=30))
    # Three days back: three warnings (lip dryness, sunburn, sun without sunscreen; a low mood is
    # urgent since issue 19); four days back an urgent one (blistering sunburn), which may come first.
    services.entry_save(entry=EntryFactory.build(patient=patient, date=today - timedelta(days=3), lip_dryness=8,
                                                 mood=6, sunburn="mild", sun_minutes=120))
    services.entry_save(entry=EntryFactory.build(patient=patient, date=today - timedelta(days=4),
                                                 sunburn="blistering"))
    sign_in(page, server.url, "warned")
    shoot(page, "dashboard-with-warnings")
    link = page.get_by_role("link", name="Write today's entry")
    expect(link).to_be_in_viewport()
    assert serious(page) == []
    warnings = page.locator('[data-severity="warning"]')
    assert warnings.count() >= 3
    assert link.bounding_box()["y"] < warnings.first.bounding_box()["y"]

    yesterday = today - timedelta(days=1)
    missed = page.locator(f'a[href="/diary/new/?date={yesterday.isoformat()}"]')
    expect(missed).to_be_visible()
    missed.tap()
    expect(page.locator("#id_date")).to_have_value(yesterday.isoformat())
    for field, value in {"skin_dryness": 2, "lip_dryness": 2, "eye_dryness": 1, "mood": 7}.items():
        page.locator(f"label[for=id_{field}_{value}]").tap()
    page.get_by_label("No", exact=True).tap()
    page.get_by_role("button", name="Save").tap()
    expect(page.get_by_text("Saved.")).to_be_visible()
    # Back-filling never blocks today: the dashboard still offers today's entry, and no longer that day.
    page.goto(server.url + "/")
    expect(page.get_by_role("link", name="Write today's entry")).to_be_visible()
    expect(missed).to_have_count(0)
    context.close()
    assert problems == [], problems


def zone_where_it_is(hour: int) -> str:
    """A time zone in which it is now `hour` o'clock (an Etc/GMT zone: their signs are reversed)."""
    offset = (hour - datetime.now(UTC).hour + 12) % 24 - 12  # -12 … +11 hours from UTC
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def test_after_midnight_the_form_asks_which_day(server, browser, shoot):
    problems: list[str] = []
    context, page = phone_page(browser, problems)
    patient = PatientFactory(user__username="nightowl", time_zone=zone_where_it_is(2))
    today = patient.today()
    sign_in(page, server.url, "nightowl")
    page.goto(server.url + "/diary/new/")
    question = page.get_by_role("group", name="Which day is this entry for?")
    expect(question).to_be_visible()
    expect(question.get_by_role("radio")).to_have_count(2)
    expect(page.locator("input[name=date]:checked")).to_have_count(0)
    shoot(page, "after-midnight-question")
    assert serious(page) == []
    question.get_by_role("radio", name=f"Yesterday, {(today - timedelta(days=1)):%A, %B} "
                                       f"{(today - timedelta(days=1)).day}").check()
    for field, value in {"skin_dryness": 2, "lip_dryness": 2, "eye_dryness": 1, "mood": 7}.items():
        page.locator(f"label[for=id_{field}_{value}]").tap()
    page.get_by_label("No", exact=True).tap()
    page.get_by_role("button", name="Save").tap()
    expect(page.get_by_text("Saved. Thank you for filling in")).to_be_visible()
    assert DiaryEntry.objects.get(patient=patient).date == today - timedelta(days=1)
    # Yesterday is logged now: today's entry is no longer asked about.
    page.goto(server.url + "/diary/new/")
    expect(page.locator("#id_date")).to_have_value(today.isoformat())
    context.close()
    assert problems == [], problems
