"""Which language a page is shown in (English or Spanish).

- A visitor: Django's LocaleMiddleware, i.e. the language cookie (set by the switch on every page),
  else the browser's Accept-Language, else English.
- A signed-in patient: the language of their profile, whatever the browser or the cookie say. Each
  response sets the cookie to it too, so that after signing out the public pages stay in it.
- Staff: the language cookie if they chose one with the switch, else English. Never Accept-Language:
  the admin follows the staff user's own choice.

URLs are the same in both languages (no i18n_patterns)."""

from django.conf import settings
from django.utils import translation

from .models import Language


def cookie_language(request) -> str | None:
    """The language chosen with the switch (the cookie), if it is one of ours."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return code if code in Language.values else None


def patient_of(user):
    # Loaded with the user (core.backends): no query. A user without a profile yet has none.
    return getattr(user, "patient", None) if user.is_authenticated and not user.is_staff else None


def current_language() -> str:
    """The active language as a profile stores it ("en" or "es"); English outside a request."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    return code if code in Language.values else Language.ENGLISH


def set_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language,
        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class UserLanguageMiddleware:
    """After AuthenticationMiddleware (it needs the user), inside LocaleMiddleware (which chose the
    visitor's language and writes Content-Language from whatever is active at the end)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        patient = patient_of(user)
        if patient is not None:
            language = patient.language
        elif user.is_authenticated and user.is_staff:
            language = cookie_language(request) or settings.LANGUAGE_CODE
        else:
            language = None  # a visitor: LocaleMiddleware's choice stands
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # Signed in just now (the sign-in's redirect): the profile's language from here on, and in
        # the cookie, so that the public pages keep it after signing out.
        patient = patient_of(request.user)
        if patient is not None and cookie_language(request) != patient.language:
            set_cookie(response, patient.language)
        return response
