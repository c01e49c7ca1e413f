"""The audit trail of staff access to patient data, on top of django-auditlog.

django-auditlog records creates, updates and deletes by itself (models registered below); reads in
the admin are recorded here, one row per object shown, written in a single query per page."""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest

from .client import client_address
from .models import Alert, DiaryEntry, Patient, Rule, RuleOverride

# Notes are free text a patient wrote: the trail says they changed, not what they say.
auditlog.register(DiaryEntry, mask_fields=["notes"])
auditlog.register(Patient, m2m_fields={"clinicians"})
auditlog.register(Alert)
auditlog.register(Rule)
auditlog.register(RuleOverride)


def record_access(request: HttpRequest, objects, view: str) -> None:
    """Record that a staff user saw these objects, and in which admin view (list, change, export…).

    One object gets its own row, findable from that object's history. A page of several objects
    gets one row naming them all, so a list costs one insert however long it is."""
    objects = [obj for obj in objects if obj is not None and obj.pk is not None]
    if not objects or not request.user.is_authenticated:
        return
    model = type(objects[0])
    single = len(objects) == 1
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(objects[0].pk) if single else "",
        object_id=objects[0].pk if single else None,
        object_repr=str(objects[0])[:200] if single else f"{len(objects)} {model._meta.verbose_name_plural}",
        action=LogEntry.Action.ACCESS,
        actor=request.user,
        remote_addr=client_address(request),
        additional_data={"view": view, "ids": [obj.pk for obj in objects]},
    )


def record_account_event(request: HttpRequest, user, *, action: int, text: str, data: dict, actor=None) -> None:
    """One row about a person's account itself (a second factor reset, an account deleted): what
    happened, by whom and from where, with no health data."""
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_pk=str(user.pk),
        object_id=user.pk,
        object_repr=user.get_username(),
        action=action,
        changes_text=text,
        actor=actor,
        remote_addr=client_address(request),
        additional_data=data,
    )
