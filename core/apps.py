from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    default = True
    verbose_name = "Patients and diaries"

    def ready(self) -> None:
        from . import accounts, audit, checks, twofactor, versions  # noqa: F401 - the audit trail, system checks, signals


class IsodiaryAdminConfig(admin_apps.AdminConfig):
    """The admin, with an index page that opens on the clinician's summary."""

    default = False  # named explicitly in INSTALLED_APPS; "core" means CoreConfig
    default_site = "core.admin_site.IsodiaryAdminSite"
