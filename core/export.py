"""Everything isodiary holds about one patient, as plain JSON values (/accounts/export.json).

Each kind of record is exported with all its stored fields, so a field added to a model later is in
the export without a change here; only bookkeeping that means nothing outside the database is left
out (row ids that point back at the patient, cache versions), and the clinic's own notes and
bookkeeping named in CLINIC_PRIVATE. A link to a person is their name as the profile shows their
clinicians (a clinician's username is the clinic's, not the patient's), a link to a diary entry is its date."""

from django.db import models
from django.utils import timezone

from . import twofactor
from .models import Alert, DiaryEntry, MoodCheck, Patient, PregnancyTest, PushSubscription, Reminder, RuleOverride

FORMAT = "isodiary-export/1"
ACCOUNT_FIELDS = ["username", "email", "first_name", "last_name", "date_joined", "last_login"]
# A push subscription's keys encrypt messages to that browser and mean nothing elsewhere; a
# reminder's claim is the sending run's bookkeeping.
NOT_EXPORTED = {"id", "patient", "user", "data_version", "rules_version", "p256dh", "auth", "claim", "claimed_at"}
# Fields of the clinic's, not the patient's, listed by name so that every other field (a new one too)
# is exported. The acknowledgement note is the clinician's private note (issue 14: the patient sees
# that the alert was reviewed and its outcome, never the note); the e-mail times are the clinic's
# notification bookkeeping.
CLINIC_PRIVATE = {Alert: {"note", "email_queued_at", "emailed_at", "escalated_at"}}

# What each list holds, in which order. Related rows are loaded with the list: one query per list.
RECORDS = {
    "entries": (DiaryEntry, ["date"], []),
    "alerts": (Alert, ["first_day", "created_at"], ["acknowledged_by"]),
    "mood_checks": (MoodCheck, ["date", "created_at"], []),
    "pregnancy_tests": (PregnancyTest, ["date"], []),
    "threshold_changes": (RuleOverride, ["updated_at"], ["rule", "set_by"]),
    "reminders_sent": (Reminder, ["sent_at"], []),
    "push_subscriptions": (PushSubscription, ["created_at"], []),
}


def exported_fields(model: type[models.Model]) -> list[models.Field]:
    left_out = NOT_EXPORTED | CLINIC_PRIVATE.get(model, set())
    return [f for f in model._meta.concrete_fields if f.name not in left_out]


def value(obj: models.Model, field: models.Field):
    """A field's value as JSON can hold it (dates, times and decimals are written by
    DjangoJSONEncoder: ISO 8601 and decimal strings)."""
    if not field.is_relation:
        return field.value_from_object(obj)
    related = getattr(obj, field.name)
    if related is None:
        return None
    if isinstance(related, DiaryEntry):
        return related.date
    if hasattr(related, "get_username"):
        return person(related)
    return str(related)


def person(user) -> str:
    return user.get_full_name() or user.get_username()


def serialize(obj: models.Model) -> dict:
    return {field.name: value(obj, field) for field in exported_fields(type(obj))}


def patient_export(patient: Patient) -> dict:
    user = patient.user
    profile = serialize(patient)
    profile["clinicians"] = [person(u) for u in patient.clinicians.all()]
    data = {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "account": {name: value(user, user._meta.get_field(name)) for name in ACCOUNT_FIELDS},
        "two_factor": twofactor.enrolled(user),
        "profile": profile,
    }
    for key, (model, order, related) in RECORDS.items():
        rows = model.objects.filter(patient=patient).select_related(*related).order_by(*order)
        data[key] = [serialize(row) for row in rows]
    return data
