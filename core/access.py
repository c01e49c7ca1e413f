"""Access helpers: every lookup of a patient's data in a view goes through these."""

from datetime import date

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from .models import DiaryEntry, Patient


class NoDiary(Http404):
    """A 404 whose message the page shows: the account is real, it just has no diary here."""


def patient_for(request: HttpRequest) -> Patient:
    """The signed-in patient's own profile. Reads only: the profile is made with the account (sign-up)
    or at sign-in (core.accounts), never on a page view."""
    user = request.user
    if user.is_staff:
        raise NoDiary(gettext("Staff accounts have no diary. Clinicians work in the admin."))
    try:
        return user.patient
    except Patient.DoesNotExist:
        raise NoDiary(gettext("This account has no diary yet. Sign out and sign in again to start one.")) from None


def entry_for(patient: Patient, day: date) -> DiaryEntry:
    return get_object_or_404(DiaryEntry.objects.for_patient(patient), date=day)
