"""Access helpers: every lookup of a patient's data in a view goes through these."""

from datetime import date

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import DiaryEntry, Patient


def patient_for(request: HttpRequest) -> Patient:
    """The signed-in patient's own profile. Staff accounts have no diary: 404."""
    user = request.user
    if user.is_staff:
        raise Http404("Staff accounts have no diary.")
    try:
        return user.patient
    except Patient.DoesNotExist:
        return Patient.objects.create(user=user)


def entry_for(patient: Patient, day: date) -> DiaryEntry:
    return get_object_or_404(DiaryEntry.objects.for_patient(patient), date=day)
