"""The patient list and a patient's page (chart, entries, alerts, dose, visit summary), and the
patient's records: diary entries, mood checks, pregnancy tests."""

from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import audit, selectors, services
from ..admin_site import as_id
from ..charts import build_chart
from ..forms import CourseDatesMixin
from ..models import (
    Alert,
    DiaryEntry,
    MoodCheck,
    Patient,
    PregnancyTest,
)
from ..selectors import course_context, csv_response, write_entries_csv
from .alerts import AcknowledgeForm, urgent_left_message
from .base import (
    LOGGED_DAYS,
    PATIENT_CHART_DAYS,
    SUMMARY_MAX_DAYS,
    PatientRecordAdmin,
    ScopedAdmin,
    severity_badge,
    titles_with_counts,
)
from .filters import (
    AssignedClinicianFilter,
    NoRecentEntryFilter,
    OpenUrgentFilter,
    VisiblePatientFilter,
)

# --- Patients -----------------------------------------------------------------------------------


class PatientAdminForm(CourseDatesMixin, forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["course_start", "course_end"]  # the admin's form factory gives it the page's fields


@admin.register(Patient)
class PatientAdmin(ScopedAdmin):
    form = PatientAdminForm
    list_display = ["name", "course_day", "last_entry", "days_logged", "needs_attention", "open_findings"]
    list_display_links = ["name"]
    list_filter = [OpenUrgentFilter, NoRecentEntryFilter, AssignedClinicianFilter]
    search_fields = ["display_name", "user__username", "user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    list_per_page = 25  # a page a busy clinician reads at a glance; sorted and filtered to the point
    show_full_result_count = False
    actions = ["acknowledge_open_alerts", "export_entries_csv"]
    fields = ["account", "display_name", "language", "time_zone", "course_start", "course_end", "daily_dose_mg",
              "weight_kg", "weight_unit", "reminder_time", "contraception_primary", "contraception_secondary",
              "can_become_pregnant", "target_low_mg_per_kg", "target_high_mg_per_kg", "clinicians"]
    clinician_fields = ["can_become_pregnant", "target_low_mg_per_kg", "target_high_mg_per_kg"]
    filter_horizontal = ["clinicians"]
    change_form_template = "admin/core/patient/change_form.html"
    open_episodes = Alert.objects.needs_clinician().filter(patient=OuterRef("pk")).order_by("-level", "created_at")

    def get_queryset(self, request):
        # The list's three columns, each a subquery per listed patient (25 a page) on an index. Days
        # logged count by each patient's own day, as their entries are dated.
        entries = DiaryEntry.objects.filter(patient=OuterRef("pk")).order_by()
        logged = entries.filter(date__gte=OuterRef("logged_from"), date__lte=OuterRef("local_today"))
        patients = super().get_queryset(request).with_local_days(local_today=0, logged_from=LOGGED_DAYS - 1)
        if request.resolver_match and request.resolver_match.url_name == "core_patient_changelist":
            # The open findings column: one query for the page's patients, with their rule titles.
            open_alerts = Alert.objects.needs_clinician().with_rule_title().order_by("-level", "created_at")
            patients = patients.prefetch_related(
                Prefetch("alerts", queryset=open_alerts.only("patient_id", "rule_code"), to_attr="open_for_clinician")
            )
        return patients.annotate(
            last_entry_date=Subquery(entries.order_by("-date").values("date")[:1]),
            logged_14=Coalesce(Subquery(logged.values("patient").annotate(n=Count("pk")).values("n")), 0),
            # Needs attention: the highest severity among open episodes, then the longest waiting.
            open_level=Subquery(self.open_episodes.values("level")[:1]),
            waiting_since=Subquery(self.open_episodes.values("created_at")[:1]),
        )

    def get_ordering(self, request):
        # Issue 14: the list opens sorted by needs attention (the highest open severity, then the
        # longest waiting). Those are annotations of this list's queryset only: other admins' filters
        # by patient ask for this ordering too (field_admin_ordering) and get the model's own.
        if request.resolver_match and request.resolver_match.url_name == "core_patient_changelist":
            return [F("open_level").desc(nulls_last=True), F("waiting_since").asc(nulls_last=True),
                    "user__username"]
        return super().get_ordering(request)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": gettext("Patients"), **(extra_context or {})})

    def get_fields(self, request, obj=None):
        # A new profile (superusers only) picks its user; an existing one names it, unlinked: the
        # user admin is for superusers, and a link there would answer a clinician with 403.
        return ["user", *self.fields[1:]] if obj is None else self.fields

    def save_model(self, request, obj, form, change):
        services.patient_save(patient=obj, changed=form.changed_data)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["account"] if obj else []
        # The profile is the patient's own; a clinician sets only the course fields that are theirs.
        return [name for name in self.fields if name not in self.clinician_fields]

    @admin.display(description=_("user"))
    def account(self, obj: Patient) -> str:
        full_name = obj.user.get_full_name()
        return f"{obj.user.get_username()} ({full_name})" if full_name else obj.user.get_username()

    @admin.display(description=_("name"), ordering="display_name")
    def name(self, obj: Patient) -> str:
        return obj.name

    @admin.display(description=_("course day"), ordering=F("course_start").desc(nulls_last=True))
    def course_day(self, obj: Patient):
        return obj.course_day() or "–"

    @admin.display(description=_("last entry"), ordering=F("last_entry_date").desc(nulls_last=True))
    def last_entry(self, obj: Patient):
        return obj.last_entry_date or gettext("never")

    @admin.display(description=format_lazy(_("days logged ({days})"), days=LOGGED_DAYS), ordering="logged_14")
    def days_logged(self, obj: Patient) -> int:
        return obj.logged_14

    @admin.display(description=_("needs attention"), ordering=F("open_level").desc(nulls_last=True))
    def needs_attention(self, obj: Patient):
        if obj.open_level is None:
            return severity_badge(None)
        return format_html(gettext("{badge} since {when}"), badge=severity_badge(obj.open_level),
                           when=date_format(timezone.localtime(obj.waiting_since), "SHORT_DATETIME_FORMAT"))

    @admin.display(description=_("open findings"))
    def open_findings(self, obj: Patient) -> str:
        return titles_with_counts(obj.open_for_clinician) or "–"

    def has_acknowledge_permission(self, request) -> bool:
        return request.user.has_perm("core.change_alert")

    @admin.action(description=_("Acknowledge the open non-urgent alerts of the selected patients…"),
                  permissions=["acknowledge"])
    def acknowledge_open_alerts(self, request, queryset):
        """Review by patient: one outcome and note for all the selected patients' open alerts that
        are not urgent (queryset: only the user's own patients). Urgent ones, and any a rule sends
        at once, are left to be acknowledged one by one, each with its own outcome; their
        escalation runs until then."""
        patients = list(queryset.select_related("user"))
        waiting = Alert.objects.filter(patient__in=patients).needs_clinician()
        routine, urgent_left = waiting.for_digest(), waiting.at_once().count()
        alerts = list(routine.with_rule_title().select_related("patient__user").order_by("patient", "created_at"))
        form = AcknowledgeForm(request.POST if "confirm" in request.POST else None)
        if not alerts or (form.is_bound and form.is_valid()):
            # Only the alerts the confirmation page listed: one raised since then was not seen.
            seen = [pk for pk in map(as_id, request.POST.getlist("alert")) if pk is not None]
            count = len(services.acknowledge(alerts=routine.filter(pk__in=seen), user=request.user,
                                             **form.cleaned_data).now) if alerts else 0
            if count:
                # "3 alerts of 2 patients acknowledged.": the plural of each noun follows its own number.
                alerts_done = ngettext("%(count)d alert", "%(count)d alerts", count) % {"count": count}
                of_patients = ngettext("%(count)d patient", "%(count)d patients", len(patients)) % {
                    "count": len(patients)}
                self.message_user(request, gettext("%(alerts)s of %(patients)s acknowledged.") % {
                    "alerts": alerts_done, "patients": of_patients}, messages.SUCCESS)
            elif not alerts:
                self.message_user(request, gettext("The selected patients have no open non-urgent alerts."),
                                  messages.INFO)
            if len(alerts) > count:
                left = len(alerts) - count
                message = ngettext("%(count)d alert not on the confirmation page (new since) left open.",
                                   "%(count)d alerts not on the confirmation page (new since) left open.", left)
                self.message_user(request, message % {"count": left}, messages.WARNING)
            if urgent_left:
                self.message_user(request, urgent_left_message(urgent_left), messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Acknowledge open alerts by patient"),
            "opts": self.model._meta,
            "form": form,
            "alerts": alerts,
            "selected": patients,
            "action_name": "acknowledge_open_alerts",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "urgent_left": urgent_left_message(urgent_left) if urgent_left else "",
            "cancel_url": reverse("admin:core_patient_changelist"),
        }
        return TemplateResponse(request, "admin/core/alert/acknowledge.html", context,
                                status=400 if form.is_bound else 200)

    @admin.action(description=_("Download entries of the selected patients as CSV"), permissions=["view"])
    def export_entries_csv(self, request, queryset):
        patients = list(queryset.select_related("user"))
        audit.record_access(request, patients, "export")
        entries = DiaryEntry.objects.filter(patient__in=patients).select_related("patient__user")
        response = csv_response(f"isodiary-entries-{timezone.localdate().isoformat()}.csv")
        write_entries_csv(response, entries.order_by("patient__user__username", "date"), with_patient=True)
        return response

    def get_urls(self):
        summary = path(
            "<path:object_id>/summary/",
            self.admin_site.admin_view(self.visit_summary),
            name="core_patient_summary",
        )
        return [summary, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        patient = self.get_object(request, object_id)
        if patient is None:
            raise Http404("No such patient.")
        today = patient.today()
        start = today - timedelta(days=PATIENT_CHART_DAYS - 1)
        entries = list(DiaryEntry.objects.for_patient(patient).between(start, today))
        alerts = Alert.objects.filter(patient=patient).select_related("acknowledged_by").with_rule_title()
        extra_context = {
            **(extra_context or {}),
            "title": gettext("Patient: %(name)s") % {"name": patient.name},
            "chart": build_chart(entries, start, today),
            "recent_entries": sorted(entries, key=lambda e: e.date, reverse=True)[:14],
            "open_alerts": alerts.needs_clinician().urgent_first()[:50],
            "patient_findings": alerts.unresolved().for_patient_only().order_by("-last_day", "-created_at")[:30],
            "acknowledged_alerts": alerts.filter(acknowledged_at__isnull=False).order_by("-acknowledged_at")[:20],
            "overrides": patient.rule_overrides.select_related("rule", "set_by"),
            "mood_checks": patient.mood_checks.order_by("-date", "-created_at")[:26],
            "pregnancy_tests": patient.pregnancy_tests.all()[:24] if patient.can_become_pregnant else None,
            "test_due": selectors.next_pregnancy_test(patient, today),
            **course_context(patient, today),
            "summary_url": reverse("admin:core_patient_summary", args=[patient.pk]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def visit_summary(self, request: HttpRequest, object_id: str):
        """A printable summary of one patient over a chosen date range."""
        if not self.has_view_permission(request):
            raise Http404("No such patient.")
        patient = self.get_object(request, object_id)
        if patient is None:
            raise Http404("No such patient.")
        today = patient.today()
        try:
            start = date.fromisoformat(request.GET.get("start") or (today - timedelta(days=29)).isoformat())
            end = date.fromisoformat(request.GET.get("end") or today.isoformat())
        except ValueError:
            return HttpResponseBadRequest(gettext("Dates must be written YYYY-MM-DD."))
        if start > end or (end - start).days >= SUMMARY_MAX_DAYS:
            return HttpResponseBadRequest(gettext("Choose a start before the end, at most %(days)d days apart.")
                                          % {"days": SUMMARY_MAX_DAYS})
        audit.record_access(request, [patient], "visit summary")
        entries = list(DiaryEntry.objects.for_patient(patient).between(start, end).order_by("date"))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Visit summary: %(name)s") % {"name": patient.name},
            "patient": patient,
            "start": start,
            "end": end,
            "entries": entries,
            "alerts": Alert.objects.filter(patient=patient, last_day__gte=start, first_day__lte=end)
            .select_related("acknowledged_by").with_rule_title()
            .urgent_first(),
            "chart": build_chart(entries, start, end),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/core/patient/summary.html", context)


# --- Diary entries: the patient's record, read-only for everyone but superusers ------------------


@admin.register(DiaryEntry)
class DiaryEntryAdmin(PatientRecordAdmin):
    list_display = ["patient", "date", "skin_dryness", "lip_dryness", "eye_dryness", "mood", "sun_minutes",
                    "sunscreen", "sunburn"]
    list_filter = [VisiblePatientFilter, "sunburn"]
    show_full_result_count = False
    search_fields = ["patient__display_name", "patient__user__username", "patient__user__email"]
    list_select_related = ["patient__user"]
    ordering = ["-date"]

    def save_model(self, request, obj, form, change):
        # The day's alerts follow the edit (and the day it was moved from), as after the patient's own.
        previous_date = form.initial.get("date") if change else None
        services.entry_save(entry=obj, previous_date=previous_date, by_staff=True)

    def delete_model(self, request, obj):
        services.entry_delete(entry=obj, by_staff=True)


# --- Course records -----------------------------------------------------------------------------


@admin.register(MoodCheck)
class MoodCheckAdmin(PatientRecordAdmin):
    list_display = ["patient", "date", "total", "band", "q9"]
    list_filter = [VisiblePatientFilter, "band"]
    list_select_related = ["patient__user"]
    show_full_result_count = False

    # The patient's answers to a questionnaire, and the findings raised from them: nobody rewrites
    # them afterwards, a superuser included. A superuser may delete one (e.g. made by mistake).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.patient_record_delete(record=obj)


@admin.register(PregnancyTest)
class PregnancyTestAdmin(PatientRecordAdmin):
    list_display = ["patient", "date", "result"]
    list_filter = [VisiblePatientFilter, "result"]
    list_select_related = ["patient__user"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        services.pregnancy_test_save(test=obj)

    def delete_model(self, request, obj):
        services.patient_record_delete(record=obj)
