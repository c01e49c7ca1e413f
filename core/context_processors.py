from django.conf import settings


def site(request) -> dict:
    return {"CLINIC_NAME": settings.CLINIC_NAME, "CRISIS_CONTACTS": settings.CRISIS_CONTACTS}
