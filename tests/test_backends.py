"""Signing in: the user and their patient profile arrive together; inactive users stay out."""

import pytest
from django.contrib.auth import get_user_model

from core.backends import ModelBackendWithPatient
from core.models import Patient
from tests.factories import ClinicianFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_it_loads_the_patient_profile_with_the_user(django_assert_num_queries):
    patient = PatientFactory(user__username="lee", display_name="Lee")
    with django_assert_num_queries(1):
        user = ModelBackendWithPatient().get_user(patient.user_id)
        assert user.patient.display_name == "Lee"


def test_a_clinician_has_no_profile():
    doctor = ClinicianFactory(username="dr_load")
    user = ModelBackendWithPatient().get_user(doctor.pk)
    with pytest.raises(Patient.DoesNotExist):
        _ = user.patient


def test_it_denies_unknown_and_inactive_users():
    assert ModelBackendWithPatient().get_user(999_999) is None
    doctor = ClinicianFactory(username="dr_gone", is_active=False)
    assert ModelBackendWithPatient().get_user(doctor.pk) is None


def test_a_clinician_has_the_groups_permissions_and_loses_them_with_the_group():
    user = ClinicianFactory(username="dr_perms")
    assert {"core.view_alert", "core.change_alert"} <= get_user_model().objects.get(pk=user.pk).get_all_permissions()
    user.groups.clear()
    assert get_user_model().objects.get(pk=user.pk).get_all_permissions() == set()


def test_a_signed_in_client_stays_signed_in_and_signs_out(client, patient):
    client.force_login(patient.user)
    assert client.get("/diary/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/diary/").status_code == 302
