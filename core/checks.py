from django.core.checks import Error, register
from django.utils import translation

from . import education


@register()
def education_content(app_configs, **kwargs) -> list[Error]:
    """A broken content file stops the app at start-up instead of failing one page later."""
    try:
        for language in ("en", *education.TRANSLATIONS):
            education.load_language(language)
    except education.ContentError as exc:
        return [Error(str(exc), id="core.E001", hint="Fix the front matter of the file named.")]
    return []


@register()
def translations_compiled(app_configs, **kwargs) -> list[Error]:
    """The Spanish catalog is compiled (locale/es/LC_MESSAGES/django.mo is made at set-up, not kept in
    the repository): without it Spanish-speaking patients would get English pages marked as Spanish."""
    with translation.override("es"):
        if translation.gettext("Sign in") == "Sign in":
            return [Error("The Spanish translations are not compiled.", id="core.E002",
                          hint="Run: manage.py compilemessages -l es --ignore=.venv (make run and make test do).")]
    return []
