from django.conf import settings
from django.utils.translation import get_language


def crisis_contacts() -> str:
    """The crisis contacts in the active language (the patient's): CRISIS_CONTACTS_ES for Spanish."""
    if (get_language() or "").split("-")[0] == "es":
        return settings.CRISIS_CONTACTS_ES
    return settings.CRISIS_CONTACTS


def site_settings() -> dict:
    """The settings every page shows; also passed to fragments rendered without a request."""
    return {"CLINIC_NAME": settings.CLINIC_NAME, "CRISIS_CONTACTS": crisis_contacts()}


def site(request) -> dict:
    return site_settings()
