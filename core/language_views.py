"""The language switch on every page: Django's own set_language (field `language`, then `next`),
and for a signed-in patient their profile's language too, so that it is kept at the next sign-in."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import services
from .language import patient_of
from .models import Language


def switch(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    language = request.POST.get("language")
    patient = patient_of(request.user)
    if patient is not None and language in Language.values and language != patient.language:
        services.patient_language_set(patient=patient, language=language)
    return response


@csrf_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Signed in: CSRF-checked like every other form, since it changes the profile. A visitor's
    switch changes only their own language cookie, and the topic pages a visitor gets are rendered
    once for all visitors (views.learn_topic), with a CSRF token that is not theirs: not checked."""
    if request.user.is_authenticated:
        return csrf_protect(switch)(request)
    return switch(request)
