"""The language switch on every page: Django's own set_language (field `language`, then `next`),
and for a signed-in patient their profile's language too, so that it is kept at the next sign-in."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.translation import gettext
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


def from_another_site(request: HttpRequest) -> bool:
    """What the browser says of where the form was sent from (every current browser sends at least
    one of these headers with a form's POST)."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    own = f"{request.scheme}://{request.get_host()}"
    return origin is not None and origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS


@csrf_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Signed in: CSRF-checked like every other form, since it changes the profile. A visitor's
    switch changes only their own language cookie, and the topic pages a visitor gets are rendered
    once for all visitors (views.learn_topic), with no CSRF token in them: not token-checked, but a
    form sent from another site is refused (it could otherwise set the language of a clinician's
    admin, or of an account about to be made, for them)."""
    if request.user.is_authenticated:
        return csrf_protect(switch)(request)
    if from_another_site(request):
        return HttpResponseForbidden(gettext("The language can only be changed from this site's own pages."))
    return switch(request)
