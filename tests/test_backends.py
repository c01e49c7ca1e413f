"""The auth backend's fixed statements give what the ORM gives."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.utils import timezone

from core.backends import ModelBackendWithPatient, load_user_with_patient
from core.models import Patient
from tests.factories import ClinicianFactory, PatientFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def fields_of(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_a_patient_and_their_profile_are_what_the_orm_loads(django_assert_num_queries):
    patient = PatientFactory(user__username="lee", user__first_name="Lee", course_start=date(2026, 9, 1),
                             daily_dose_mg=Decimal("40.0"), weight_kg=Decimal("61.5"), can_become_pregnant=True)
    User.objects.filter(pk=patient.user_id).update(last_login=timezone.now())
    expected = User.objects.select_related("patient").get(pk=patient.user_id)
    with django_assert_num_queries(1):
        user = load_user_with_patient(patient.user_id)
        profile = user.patient
        assert profile.user is user
    for ours, theirs in [(user, expected), (profile, expected.patient)]:
        assert fields_of(ours) == fields_of(theirs)
        assert {k: type(v) for k, v in fields_of(ours).items()} == {k: type(v) for k, v in fields_of(theirs).items()}
    assert user._state.adding is False and user._state.db == "default"


def test_a_clinician_has_no_profile_and_asking_costs_no_query(django_assert_num_queries):
    doctor = ClinicianFactory(username="dr_load")
    with django_assert_num_queries(1):
        user = load_user_with_patient(doctor.pk)
        with pytest.raises(Patient.DoesNotExist):
            _ = user.patient
    assert fields_of(user) == fields_of(User.objects.get(pk=doctor.pk))


def test_unknown_and_inactive_users_are_not_signed_in():
    assert load_user_with_patient(999_999) is None
    doctor = ClinicianFactory(username="dr_gone", is_active=False)
    assert ModelBackendWithPatient().get_user(doctor.pk) is None


def test_saving_a_loaded_user_changes_only_that_user():
    patient = PatientFactory(user__username="sam")
    user = load_user_with_patient(patient.user_id)
    user.first_name = "Samantha"
    user.save()
    user.patient.display_name = "Sam P."
    user.patient.save()
    assert User.objects.get(pk=patient.user_id).first_name == "Samantha"
    assert Patient.objects.get(pk=patient.pk).display_name == "Sam P."


def test_a_staff_user_gets_their_own_and_their_groups_permissions_in_one_query(django_assert_num_queries):
    user = ClinicianFactory(username="dr_perms")
    user.user_permissions.add(Permission.objects.get(codename="view_group"))
    fresh = get_user_model().objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        perms = fresh.get_all_permissions()
    assert {"auth.view_group", "core.view_alert", "core.change_alert"} <= perms
    assert perms == ModelBackend().get_all_permissions(get_user_model().objects.get(pk=user.pk))
    user.groups.clear()
    assert get_user_model().objects.get(pk=user.pk).get_all_permissions() == {"auth.view_group"}
    user.is_active = False
    user.save()
    assert get_user_model().objects.get(pk=user.pk).get_all_permissions() == set()
