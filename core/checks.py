from django.core.checks import Error, register

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
