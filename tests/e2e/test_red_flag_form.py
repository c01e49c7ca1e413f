"""The red-flag list on the entry form, on a phone: grouped by part of the body, every sign
reachable and labelled, tappable, and one tap away from its warning and its explanation."""

import pytest
from playwright.sync_api import expect

from core.models import PREGNANCY_GROUP, SYMPTOM_GROUPS
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.test_flows import sign_in
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)
TAP_TARGET_PX = 44  # WCAG 2.5.5 / Apple HIG minimum touch target


@pytest.fixture
def phone(browser):
    context = browser.new_context(**VIEWPORTS["phone"])
    page = context.new_page()
    yield page
    context.close()


def test_the_red_flag_list_on_a_phone(server, phone, shoot):
    page = phone
    PatientFactory(user__username="phonepat", course_start=None)
    sign_in(page, server.url, "phonepat")
    page.goto(server.url + "/diary/new/")
    shoot(page, "entry-form-on-a-phone")
    page.get_by_role("radio", name="Yes", exact=True).check()  # "Anything unusual today?" opens the list

    # Every sign is a labelled checkbox inside its group's fieldset, visible and big enough to tap.
    for group_name, signs in SYMPTOM_GROUPS:
        if group_name == PREGNANCY_GROUP:  # asked only of a patient who can become pregnant
            continue
        group = page.get_by_role("group", name=group_name, exact=True)
        expect(group).to_be_visible()
        for sign in signs:
            box = group.get_by_role("checkbox", name=str(sign.label), exact=True)
            expect(box).to_be_enabled()
            row = page.locator(f"#div_id_symptoms .form-check:has(input[value='{sign.value}'])")
            assert row.bounding_box()["height"] >= TAP_TARGET_PX, sign.value
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["viewport"]["width"], "the form scrolls sideways on a phone"

    # How long the list is on a 360 × 740 screen (printed for the report; -s shows it).
    signs_box = page.locator("#div_id_symptoms").bounding_box()
    form_box = page.locator("form.entry-form").bounding_box()
    print(f"\nred-flag list: {signs_box['height']:.0f} px; whole form: {form_box['height']:.0f} px; "
          f"screen: {VIEWPORTS['phone']['viewport']['height']} px")
    assert signs_box["height"] < 2 * VIEWPORTS["phone"]["viewport"]["height"]

    # Tapping a label ticks its sign; saving shows the urgent warning, which links to the sign.
    for field, value in {"skin_dryness": 2, "lip_dryness": 2, "eye_dryness": 1, "mood": 7}.items():
        page.locator(f"label[for=id_{field}_{value}]").click()
    page.get_by_text("A seizure (convulsion)", exact=True).click()
    expect(page.get_by_role("checkbox", name="A seizure (convulsion)")).to_be_checked()
    page.get_by_role("button", name="Save").click()
    warning = page.locator('[data-warning="red-flag"]')
    expect(warning).to_have_attribute("data-severity", "urgent")
    shoot(page, "red-flag-warning-on-a-phone")
    warning.get_by_role("link", name="Read more about this").click()
    expect(page.locator("#seizure")).to_be_in_viewport()
    shoot(page, "warning-signs-seizure-on-a-phone")
