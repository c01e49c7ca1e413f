"""Accounts: superusers reset a lost second factor; the audit trail with the client's address."""


from auditlog.admin import LogEntryAdmin as BaseLogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import twofactor

# --- Accounts: superusers reset a lost second factor --------------------------------------------

# django-otp's own device admins would let a superuser read or add a secret key; a reset (below)
# is all the clinic needs, and it is audited.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)

User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    actions = ["reset_two_factor"]
    list_display = [*BaseUserAdmin.list_display, "two_factor"]

    def get_queryset(self, request):
        app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_factor=Exists(app))

    @admin.display(description=_("two-factor"), boolean=True, ordering="has_two_factor")
    def two_factor(self, obj) -> bool:
        return obj.has_two_factor

    @admin.action(description=_("Reset two-factor sign-in (lost phone): they set it up again at next sign-in"))
    def reset_two_factor(self, request, queryset):
        if not request.user.is_superuser:
            raise PermissionDenied
        users = list(queryset)
        for user in users:
            twofactor.reset_for(request, user)
        names = ", ".join(u.get_username() for u in users)
        self.message_user(request, gettext("Two-factor sign-in reset for %(names)s.") % {"names": names},
                          messages.SUCCESS)


# --- The audit trail: django-auditlog's own admin, with the client's address -------------------

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(BaseLogEntryAdmin):
    """Who saw or changed what, when, and from which address (core/client.py: PROXY_COUNT)."""

    list_display = [*BaseLogEntryAdmin.list_display, "remote_addr"]
    readonly_fields = [*BaseLogEntryAdmin.readonly_fields, "remote_addr"]
    fieldsets = [
        (None, {"fields": [*BaseLogEntryAdmin.fieldsets[0][1]["fields"], "remote_addr"]}),
        *BaseLogEntryAdmin.fieldsets[1:],
    ]
