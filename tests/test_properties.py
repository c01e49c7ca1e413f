"""Property-based: arbitrary values and types posted to the forms never cause a 5xx, and every
stored row still satisfies the model's rules."""

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import DiaryEntry, Patient

pytestmark = pytest.mark.django_db

anything = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12), st.floats(allow_nan=True),
    st.text(max_size=60), st.text(max_size=2100), st.dates().map(str),
    st.sampled_from(["", "0", "10", "11", "-1", "1440", "1441", "none", "mild", "blistering", "2026-02-30",
                     "9999-12-31", "0001-01-01", "on", "\x00", "<script>", "1e3", " 5 ", "lb", "kg", "660", "45"]),
    st.lists(st.sampled_from(["self_harm", "hearing", "bogus", ""]), max_size=3),
)


def form(fields: list[str]):
    return st.fixed_dictionaries({}, optional={name: anything for name in fields})


def clean(data: dict) -> dict:
    """What a browser can send: strings, or lists of strings for repeated fields."""
    out = {}
    for key, value in data.items():
        if value is None:
            continue
        out[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return out


ENTRY_FIELDS = ["date", "skin_dryness", "lip_dryness", "eye_dryness", "mood", "sun_minutes", "sunscreen",
                "sunburn", "symptoms", "notes"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=form(ENTRY_FIELDS))
def test_diary_form_never_errors_and_stores_only_valid_rows(patient_client, patient, data):
    response = patient_client.post("/diary/new/", clean(data))
    assert response.status_code in (200, 302) or 400 <= response.status_code < 500
    for entry in DiaryEntry.objects.filter(patient=patient):
        entry.full_clean()


@SETTINGS
@given(data=form(["display_name", "time_zone", "course_start", "daily_dose_mg", "weight", "weight_unit",
                    "can_become_pregnant"]))
def test_profile_form_never_errors_and_stores_only_valid_rows(patient_client, patient, data):
    response = patient_client.post("/accounts/profile/", clean(data))
    assert response.status_code in (200, 302) or 400 <= response.status_code < 500
    Patient.objects.get(pk=patient.pk).full_clean()


@SETTINGS
@given(data=form(["username", "email", "password1", "password2"]))
def test_signup_form_never_errors(client, data):
    response = client.post("/accounts/signup/", clean(data))
    assert response.status_code in (200, 302) or 400 <= response.status_code < 500
    for user in get_user_model().objects.all():
        user.full_clean(exclude=["password"])
    client.logout()
