"""What every clinician-facing admin here shares: scoping to the clinician's own patients, and
the small display helpers."""

from collections import Counter

from django.contrib import admin
from django.contrib.admin import helpers
from django.http import Http404
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext

from .. import audit
from ..models import (
    SEVERITY_LEVEL,
    Severity,
)

PATIENT_CHART_DAYS = 90
SUMMARY_MAX_DAYS = 366
LOGGED_DAYS = 14


# Django's own words for a row's checkbox, translated by its admin catalog (not marked here: they are
# not ours to translate).
ROW_CHECKBOX_LABEL = "Select this object for an action - {}"

LEVEL_NAME = {level: severity.value for severity, level in SEVERITY_LEVEL.items()}


def severity_badge(level: int | None):
    """The severity's name, in the reader's language (the class stays the English code)."""
    code = LEVEL_NAME.get(level, "none")
    shown = Severity(code).label.lower() if code in Severity.values else pgettext("severity", "none")
    return format_html('<span class="iso-badge iso-{}">{}</span>', code, shown)


def titles_with_counts(alerts) -> str:
    """"Persistent high dryness, Sudden drop in mood ×2": each rule once, in the alerts' order."""
    counts = Counter(alert.rule_title for alert in alerts)
    return ", ".join(f"{title} ×{count}" if count > 1 else title for title, count in counts.items())


class ScopedAdmin(admin.ModelAdmin):
    """Limits every queryset to the request user's patients and records what staff looked at."""

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).for_clinician(request.user)

    def action_checkbox(self, obj):
        """A row's checkbox for the list's actions, the markup Django's own writes (tests/test_admin_lists.py
        compares them), without rendering a form widget through the template engine for every row:
        those 25 renders were a sixth of the patient list's time (bench/RESULTS.md, 2026-12-07)."""
        label = format_html(gettext(ROW_CHECKBOX_LABEL), obj)
        return format_html('<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
                           helpers.ACTION_CHECKBOX_NAME, obj.pk, label)

    def changelist_view(self, request, extra_context=None):
        # An odd selection of rows for an action is refused by the admin site (admin_site.admin_view).
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            audit.record_access(request, changelist.result_list, "list")
        return response

    # Another patient's object is a plain 404 on every page that takes an id, the same as an id
    # that does not exist (the admin's default is a redirect saying it "doesn't exist").

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("No such object.")
        audit.record_access(request, [obj], "change")
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("No such object.")
        audit.record_access(request, [obj], "history")
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if self.get_object(request, object_id) is None:
            raise Http404("No such object.")
        return super().delete_view(request, object_id, extra_context)


class PatientRecordAdmin(ScopedAdmin):
    """What the patient wrote (entries, mood checks, tests): read-only for everyone but superusers,
    whose changes go through the same locking write functions (core.services) as the patient's own,
    each deletion of several one by one (the admin's bulk delete would bypass them)."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def delete_queryset(self, request, queryset):
        for record in queryset:
            self.delete_model(request, record)
