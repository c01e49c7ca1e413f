"""A person's account as a whole: ending their other sessions, deleting it with all its data, and telling
the owner of an e-mail address that a new account uses it."""

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model, logout, update_session_auth_hash
from django.contrib.auth.signals import user_logged_in
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from post_office import mail

from . import audit, services
from .models import Alert, DiaryEntry, MoodCheck, Patient, PregnancyTest, RuleOverride

User = get_user_model()
# The audit trail's rows about these records hold their values (scores, thresholds, profile fields),
# and even a row that only says a clinician opened one keeps its str(): "Pat · 2026-11-28 · positive".
AUDITED_RECORDS = [DiaryEntry, Alert, RuleOverride, MoodCheck, PregnancyTest]


def sign_out_other_sessions(request: HttpRequest, password: str) -> None:
    """End every other session of this user, keeping this one.

    Django checks each session against a hash of the user's password hash, and a session whose hash
    no longer matches is signed out ("Session invalidation on password change"). Setting the same
    password again gives it a new salt, so a new hash: the other sessions end wherever they are
    stored, and update_session_auth_hash() moves this one over, as Django's own password change does."""
    user = request.user
    user.set_password(password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)


def delete_account(request: HttpRequest) -> None:
    """Delete the signed-in patient's account and everything it holds, in one transaction.

    The audit trail keeps who looked at or changed which record and when, with the values in those
    rows blanked out, and gains one row saying the account was deleted by its owner, and when. It
    holds no counts of what was deleted: how many pregnancy tests or mood checks a person kept is
    health information too. The deletes themselves are not copied into the trail row by row."""
    user = request.user
    patient = Patient.objects.get(user=user)
    with transaction.atomic(), disable_auditlog():
        services.lock_patients([patient.pk])  # the order every writer keeps (core/services.py)
        _blank_trail(Patient, Patient.objects.filter(pk=patient.pk))
        for model in AUDITED_RECORDS:
            _blank_trail(model, model.objects.filter(patient=patient))
        audit.record_account_event(
            request, user, action=LogEntry.Action.DELETE, text="The patient deleted their account and all its data.",
            data={"event": "account deleted by its owner", "patient_id": patient.pk},
        )
        logout(request)
        user.delete()  # the profile and every record of it go with the user (on_delete=CASCADE)


def _blank_trail(model, records) -> None:
    trail = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                    object_id__in=records.values("pk"))
    trail.update(
        changes=None, changes_text="", serialized_data=None,
        object_repr=f"{model._meta.verbose_name} (deleted with the patient's account)",
    )


ADDRESS_REUSED_SUBJECT = gettext_lazy("A new account with your e-mail address")
ADDRESS_REUSED_BODY = gettext_lazy(
    "Hello,\n\nSomeone has just created a new account with this e-mail address at {site}. If it was you, "
    "there is nothing to do. If it was not, your own account is unchanged, and the new account cannot see "
    "anything of yours.\n\nIf you have forgotten your password, set a new one at {reset}: a link is sent "
    "for each account with this address.\n"
)


def language_of(user) -> str:
    """The language of e-mails to this account: its patient's choice (Patient.language); staff and
    accounts without a diary get the default, English (the admin is English by default)."""
    patient = Patient.objects.filter(user=user).values_list("language", flat=True).first()
    return patient or settings.LANGUAGE_CODE.split("-")[0]


def address_reused(user) -> None:
    """Tell the owners of the other accounts with this user's e-mail address that a new one uses it.

    Sign-up accepts an address already in use, and says nothing about it on the page (issue 20: that
    would tell anyone whether a person keeps a diary here). Queued by django-post-office, sent by
    send_notifications; no health data, no username."""
    others = User.objects.filter(email__iexact=user.email, is_active=True).exclude(pk=user.pk).order_by("pk")
    # One e-mail per address, in the language of the first account with it (its patient's choice).
    languages: dict[str, str] = {}
    for other in others:
        languages.setdefault(other.email, language_of(other))
    for address in sorted(languages):
        with translation.override(languages[address]):
            body = str(ADDRESS_REUSED_BODY).format(site=settings.SITE_URL,
                                                   reset=settings.SITE_URL + reverse("password_reset"))
            mail.send(recipients=[address], subject=str(ADDRESS_REUSED_SUBJECT), message=body, priority="medium")


@receiver(user_logged_in)
def _start_diary(sender, request, user, **kwargs) -> None:
    # Accounts made outside sign-up (the admin's "Add user", a shell) get their profile at sign-in,
    # a POST, so that no page view ever has to write one.
    if not user.is_staff:
        Patient.objects.get_or_create(user=user)
