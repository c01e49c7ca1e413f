"""The per-patient page cache: a patient's dashboard and diary pages, rendered once per version.

Patient.data_version rises with every write to the patient row and to the patient's entries,
alerts, mood checks and pregnancy tests, and when a clinician is assigned or removed (urgent
warnings say whether there is one). Database triggers keep it (migrations 0007 and 0008y),
so no write path can miss one: the diary, the admin (acknowledging, superuser edits), bulk updates
and cascading deletes alike; and it never goes back, even when a stale Patient object is saved.
The version is read with the patient on every request, so a page cached under it is never stale
and the cache can be local to each worker process.

A migration that rebuilds one of those tables on SQLite (most AlterField and AddField of a NOT NULL
column do) drops the table's triggers with it and must install them again, as 0007 does:
tests/test_versions.py fails until it does."""

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import get_language

if TYPE_CHECKING:
    from .models import Patient

T = TypeVar("T")
# What makes a clinician one isodiary e-mails (models.emailable_clinician): urgent warnings say so.
CLINICIAN_FIELDS = {"email", "is_active", "is_staff"}
CACHE_SECONDS = 6 * 60 * 60


def patient_fragment(kind: str, patient: "Patient", variant: str, render: Callable[[], T]) -> T:
    """What `render` makes from this patient's data (HTML), made once per data version.

    `variant` names everything else the result depends on (the day, a page number); the language
    active now (the patient's, core/language.py) is part of the key too, so that a page rendered in
    one language is never shown in the other. `render` must read only this patient's rows, the
    variant and settings: nothing of the request."""
    key = f"fragment:{kind}:{patient.pk}:{patient.data_version}:{get_language()}:{variant}"
    result = cache.get(key)
    if result is None:
        result = render()
        cache.set(key, result, CACHE_SECONDS)
    return result


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def clinician_changed(sender, instance, update_fields=None, **kwargs) -> None:
    """An assigned clinician's address or standing is on their patients' pages (data-care-team) but
    not in a table the triggers watch: saving the user raises those patients' versions. A bulk
    QuerySet.update() of users sends no signal and so leaves pages as they were until the next write
    to the patient's data (the admin and Django's own forms save each user)."""
    if update_fields is not None and not CLINICIAN_FIELDS & set(update_fields):
        return  # a sign-in (last_login) and the like
    from .models import Patient

    Patient.objects.filter(clinicians=instance).update(data_version=F("data_version") + 1)
