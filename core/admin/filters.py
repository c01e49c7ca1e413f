from datetime import timedelta

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..admin_site import NO_ENTRY_DAYS, as_id, patients_without_recent_entry
from ..models import Alert, Patient, Rule, in_language


class OpenUrgentFilter(admin.SimpleListFilter):
    title = _("open urgent alert")
    parameter_name = "urgent"

    def lookups(self, request, model_admin):
        return [("yes", _("Has an open urgent alert")), ("no", _("No open urgent alert"))]

    def queryset(self, request, queryset):
        urgent = Exists(Alert.objects.needs_clinician().filter(patient=OuterRef("pk"), severity="urgent"))
        if self.value() == "yes":
            return queryset.filter(urgent)
        if self.value() == "no":
            return queryset.filter(~urgent)
        return queryset


class NoRecentEntryFilter(admin.SimpleListFilter):
    title = _("recent entries")
    parameter_name = "quiet"

    def lookups(self, request, model_admin):
        return [(str(NO_ENTRY_DAYS), gettext("No entry for %(days)s+ days") % {"days": NO_ENTRY_DAYS})]

    def queryset(self, request, queryset):
        if self.value() == str(NO_ENTRY_DAYS):
            return patients_without_recent_entry(queryset)
        return queryset


class AssignedClinicianFilter(admin.SimpleListFilter):
    """Choices are only the clinicians of patients the user may see, never the whole staff list."""

    title = _("assigned clinician")
    parameter_name = "clinician"

    def lookups(self, request, model_admin):
        # The clinicians of the patients the user may see: the user and colleagues sharing them.
        visible = Patient.objects.for_clinician(request.user)
        clinicians = get_user_model().objects.filter(assigned_patients__in=visible)
        rows = clinicians.values_list("pk", "first_name", "last_name", "username").distinct().order_by("username")
        return [(str(pk), f"{first} {last}".strip() or username) for pk, first, last, username in rows]

    def queryset(self, request, queryset):
        if self.value():
            clinician = as_id(self.value())
            return queryset.filter(clinicians__pk=clinician).distinct() if clinician else queryset.none()
        return queryset


class AlertStatusFilter(admin.SimpleListFilter):
    """Open alerts that need a clinician by default: the queue is what still needs a clinician's
    eyes. Findings for the patient only are listed on their own, never as open items."""

    title = _("acknowledged")
    parameter_name = "acknowledged"

    def lookups(self, request, model_admin):
        return [
            (None, _("No: open")),
            ("patient", _("For the patient only (nothing to acknowledge)")),
            ("withdrawn", _("No: no longer holds (edited, or a stronger finding stands)")),
            ("yes", _("Yes")),
            ("all", _("All")),
        ]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}, [])
                if value
                else changelist.get_query_string(remove=[self.parameter_name]),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == "all":
            return queryset
        if value == "yes":
            return queryset.filter(acknowledged_at__isnull=False)
        if value == "withdrawn":
            return queryset.filter(acknowledged_at__isnull=True, resolved_at__isnull=False).to_clinician()
        if value == "patient":
            return queryset.unresolved().for_patient_only()
        return queryset.needs_clinician()


def recent_cutoff(days: int):
    return timezone.localdate() - timedelta(days=days - 1)


class RuleFilter(admin.SimpleListFilter):
    """Rule codes from the rule table: a short fixed list, where a DISTINCT over every alert the
    clinician can see would grow with the record."""

    title = _("rule")
    parameter_name = "rule_code"

    def lookups(self, request, model_admin):
        rows = Rule.objects.order_by("title").values_list("code", "title", "title_es", named=True)
        return [(rule.code, f"{in_language(rule, 'title')} ({rule.code})") for rule in rows]

    def queryset(self, request, queryset):
        return queryset.filter(rule_code=self.value()) if self.value() else queryset


class VisiblePatientFilter(admin.SimpleListFilter):
    """Choices are the patients the user may see (at most a clinician's list), not a DISTINCT over
    every related row."""

    title = _("patient")
    parameter_name = "patient__id__exact"

    def lookups(self, request, model_admin):
        patients = Patient.objects.for_clinician(request.user).select_related("user")
        return [(str(p.pk), p.name) for p in patients]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        patient = as_id(self.value())
        return queryset.filter(patient_id=patient) if patient else queryset.none()

