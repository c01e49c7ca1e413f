from django.conf import settings


def site_settings() -> dict:
    """The settings every page shows; also passed to fragments rendered without a request."""
    return {"CLINIC_NAME": settings.CLINIC_NAME, "CRISIS_CONTACTS": settings.CRISIS_CONTACTS}


def site(request) -> dict:
    return site_settings()
