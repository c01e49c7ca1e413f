"""Clinician review in the Django admin.

Every admin here is scoped: a clinician sees only the patients assigned to them and those
patients' entries, alerts and overrides, on every page the admin builds from get_queryset
(lists, change pages, history, filters, search, autocomplete, actions). Another patient's object
is a 404. Superusers see everything. Staff access to patient data goes to the audit trail."""

from collections import Counter
from datetime import date, timedelta

from auditlog.admin import LogEntryAdmin as BaseLogEntryAdmin
from auditlog.models import LogEntry
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, models, selectors, services, twofactor
from .admin_filters import (
    AlertStatusFilter,
    AssignedClinicianFilter,
    NoRecentEntryFilter,
    OpenUrgentFilter,
    RuleFilter,
    VisiblePatientFilter,
)
from .admin_site import as_id
from .charts import build_chart
from .forms import CourseDatesMixin
from .models import (
    NOTES_MAX_LENGTH,
    SEVERITY_LEVEL,
    Alert,
    DiaryEntry,
    MoodCheck,
    Outcome,
    Patient,
    PregnancyTest,
    Rule,
    RuleOverride,
)
from .selectors import course_context, csv_response, write_entries_csv

PATIENT_CHART_DAYS = 90
SUMMARY_MAX_DAYS = 366
LOGGED_DAYS = 14


LEVEL_NAME = {level: severity.value for severity, level in SEVERITY_LEVEL.items()}


def severity_badge(level: int | None):
    label = LEVEL_NAME.get(level, "none")
    return format_html('<span class="iso-badge iso-{}">{}</span>', label, label)


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
    """What the patient wrote (entries, mood checks, tests): read-only for everyone but superusers."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


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
    fields = ["account", "display_name", "time_zone", "course_start", "course_end", "daily_dose_mg", "weight_kg",
              "weight_unit", "reminder_time", "contraception_primary", "contraception_secondary", "can_become_pregnant",
              "target_low_mg_per_kg", "target_high_mg_per_kg", "clinicians"]
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
        return super().changelist_view(request, {"title": "Patients", **(extra_context or {})})

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

    @admin.display(description="user")
    def account(self, obj: Patient) -> str:
        full_name = obj.user.get_full_name()
        return f"{obj.user.get_username()} ({full_name})" if full_name else obj.user.get_username()

    @admin.display(description="name", ordering="display_name")
    def name(self, obj: Patient) -> str:
        return obj.name

    @admin.display(description="course day", ordering=F("course_start").desc(nulls_last=True))
    def course_day(self, obj: Patient):
        return obj.course_day() or "–"

    @admin.display(description="last entry", ordering=F("last_entry_date").desc(nulls_last=True))
    def last_entry(self, obj: Patient):
        return obj.last_entry_date or "never"

    @admin.display(description=f"days logged ({LOGGED_DAYS})", ordering="logged_14")
    def days_logged(self, obj: Patient) -> int:
        return obj.logged_14

    @admin.display(description="needs attention", ordering=F("open_level").desc(nulls_last=True))
    def needs_attention(self, obj: Patient):
        if obj.open_level is None:
            return severity_badge(None)
        return format_html("{} since {}", severity_badge(obj.open_level),
                           date_format(timezone.localtime(obj.waiting_since), "SHORT_DATETIME_FORMAT"))

    @admin.display(description="open findings")
    def open_findings(self, obj: Patient) -> str:
        return titles_with_counts(obj.open_for_clinician) or "–"

    def has_acknowledge_permission(self, request) -> bool:
        return request.user.has_perm("core.change_alert")

    @admin.action(description="Acknowledge the open non-urgent alerts of the selected patients…",
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
                self.message_user(request, f"{count} alert{'s' if count != 1 else ''} of {len(patients)} "
                                  f"patient{'s' if len(patients) != 1 else ''} acknowledged.", messages.SUCCESS)
            elif not alerts:
                self.message_user(request, "The selected patients have no open non-urgent alerts.", messages.INFO)
            if len(alerts) > count:
                self.message_user(request, f"{len(alerts) - count} alert{'s' if len(alerts) - count != 1 else ''} "
                                  "not on the confirmation page (new since) left open.", messages.WARNING)
            if urgent_left:
                self.message_user(request, urgent_left_message(urgent_left), messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Acknowledge open alerts by patient",
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

    @admin.action(description="Download entries of the selected patients as CSV", permissions=["view"])
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
            "title": f"Patient: {patient.name}",
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
            return HttpResponseBadRequest("Dates must be written YYYY-MM-DD.")
        if start > end or (end - start).days >= SUMMARY_MAX_DAYS:
            return HttpResponseBadRequest(f"Choose a start before the end, at most {SUMMARY_MAX_DAYS} days apart.")
        audit.record_access(request, [patient], "visit summary")
        entries = list(DiaryEntry.objects.for_patient(patient).between(start, end).order_by("date"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Visit summary: {patient.name}",
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


# --- Alerts: the review queue -------------------------------------------------------------------


class AcknowledgeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTES_MAX_LENGTH,
        help_text="Optional. Seen by clinicians and in the audit trail, never by the patient.",
    )


@admin.register(Alert)
class AlertAdmin(ScopedAdmin):
    """The triage queue: one row per open episode, urgent first, then the one waiting longest."""

    list_display = ["badge", "patient", "rule", "first_day", "last_day", "days", "detail", "notified", "status"]
    # A patient is found with the search box: a filter listing every patient would be long.
    list_filter = [AlertStatusFilter, "severity", RuleFilter]
    show_full_result_count = False
    list_per_page = 25  # worked from the top: urgent first, then oldest
    search_fields = ["patient__display_name", "patient__user__username", "patient__user__email"]
    list_select_related = ["patient__user", "acknowledged_by"]
    ordering = ["-level", "created_at"]
    actions = ["acknowledge"]
    change_form_template = "admin/core/alert/change_form.html"
    fields = ["patient", "rule_code", "severity", "notify", "first_day", "last_day", "days", "detail", "worst",
              "message", "advice", "created_at", "email_queued_at", "emailed_at", "escalated_at", "resolved_at",
              "acknowledged_by", "acknowledged_at", "outcome", "note"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        return super().get_queryset(request).with_rule_title()

    @admin.display(description="rule", ordering="rule_title")
    def rule(self, obj: Alert):
        return format_html('{} <small class="iso-code">{}</small>', obj.rule_title, obj.rule_code)

    @admin.display(description="severity", ordering="-level")
    def badge(self, obj: Alert):
        return severity_badge(obj.level)

    @admin.display(description="clinician e-mailed", ordering="emailed_at")
    def notified(self, obj: Alert):
        if obj.emailed_at:
            return date_format(timezone.localtime(obj.emailed_at), "SHORT_DATETIME_FORMAT")
        return "queued" if obj.email_queued_at else "–"

    @admin.display(description="status")
    def status(self, obj: Alert) -> str:
        if obj.acknowledged_at:
            who = obj.acknowledged_by.get_username() if obj.acknowledged_by else "a deleted user"
            when = date_format(timezone.localtime(obj.acknowledged_at), "SHORT_DATETIME_FORMAT")
            return f"acknowledged by {who}, {when}"
        if obj.resolved_at:
            return "no longer holds"
        return "open"

    @admin.action(description="Acknowledge with an outcome…", permissions=["change"])
    def acknowledge(self, request, queryset):
        """An intermediate page (as Django's delete action has) asks for the outcome and a note."""
        form = AcknowledgeForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = services.acknowledge(alerts=queryset, user=request.user, **form.cleaned_data)
            count = len(done.now)
            self.message_user(request, f"{count} alert{'s' if count != 1 else ''} acknowledged.", messages.SUCCESS)
            self.acknowledged_first(request, done.earlier)
            return None
        alerts = list(queryset.to_clinician().select_related("patient__user"))
        if not alerts:
            self.message_user(request, PATIENT_ONLY_MESSAGE, messages.INFO)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Acknowledge alerts",
            "opts": self.model._meta,
            "form": form,
            "alerts": alerts,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/core/alert/acknowledge.html", context,
                                status=400 if form.is_bound else 200)

    def acknowledged_first(self, request, alerts: list[Alert]) -> None:
        """Tell the clinician which alerts someone else acknowledged first: their outcome is kept."""
        for alert in alerts:
            who = alert.acknowledged_by.get_username() if alert.acknowledged_by else "a deleted user"
            self.message_user(
                request,
                f"{alert} was already acknowledged by {who} at "
                f"{date_format(timezone.localtime(alert.acknowledged_at), 'SHORT_DATETIME_FORMAT')}: their outcome "
                "and note are kept, "
                "yours was not saved.",
                messages.WARNING,
            )

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Alert queue", **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        alert = self.get_object(request, object_id)
        if alert is None:
            raise Http404("No such alert.")
        extra_context = {
            **(extra_context or {}),
            "notifications": alert.notifications.select_related("user", "mail").order_by("created_at"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view(self.acknowledge_view)
        return [path("<path:object_id>/acknowledge/", view, name="core_alert_acknowledge"), *super().get_urls()]

    def acknowledge_view(self, request: HttpRequest, object_id: str):
        """Acknowledge one alert with an outcome and an optional note."""
        alert = self.get_object(request, object_id)
        if alert is None or not self.has_change_permission(request, alert):
            raise Http404("No such alert.")
        if alert.acknowledged_at is not None:
            if request.method == "POST":  # acknowledged by someone else since this form was shown
                self.acknowledged_first(request, [alert])
            else:
                self.message_user(request, "This alert is already acknowledged.", messages.INFO)
            return redirect("admin:core_alert_change", alert.pk)
        if alert.for_patient_only:
            self.message_user(request, PATIENT_ONLY_MESSAGE, messages.INFO)
            return redirect("admin:core_alert_change", alert.pk)
        form = AcknowledgeForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            done = services.acknowledge(alerts=Alert.objects.filter(pk=alert.pk), user=request.user,
                                        **form.cleaned_data)
            if done.earlier:  # another clinician's acknowledgement came first, since the form was shown
                self.acknowledged_first(request, done.earlier)
                return redirect("admin:core_alert_change", alert.pk)
            self.message_user(request, "Alert acknowledged.", messages.SUCCESS)
            return redirect("admin:core_alert_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Acknowledge alert",
            "opts": self.model._meta,
            "form": form,
            "alerts": [alert],
        }
        return TemplateResponse(request, "admin/core/alert/acknowledge.html", context,
                                status=400 if form.is_bound else 200)


PATIENT_ONLY_MESSAGE = ("Findings for the patient only (their rule tells the patient what to do) are not open "
                        "items: there is nothing to acknowledge.")


def urgent_left_message(count: int) -> str:
    return (f"{count} urgent alert{'s' if count != 1 else ''} left open: acknowledge each one from the alert "
            "queue, with its own outcome.")


# --- Rules and per-patient overrides ------------------------------------------------------------


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "severity", "notify", "threshold", "run_days", "enabled", "safety_rule"]
    readonly_fields = ["code"]
    fields = ["code", "title", "severity", "notify", "threshold", "run_days", "enabled", "message", "advice",
              "learn_slug", "learn_anchor"]

    def has_add_permission(self, request):
        return False  # a rule's logic lives in core.rules: codes come from the data migration

    @admin.display(boolean=True, description="safety rule")
    def safety_rule(self, obj: Rule) -> bool:
        return obj.locked

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and obj.locked:
            # Say so before the edit, not only in the error after it (Rule.clean enforces it).
            for name in ("enabled", "severity", "notify", "threshold", "run_days"):
                if name in form.base_fields:
                    form.base_fields[name].help_text = models.LOCKED_MESSAGE
        return form

    def has_delete_permission(self, request, obj=None):
        return False


class RuleOverrideForm(forms.ModelForm):
    class Meta:
        model = RuleOverride
        fields = ["patient", "rule", "threshold", "run_days"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("threshold") is None and cleaned.get("run_days") is None:
            raise forms.ValidationError("Set a threshold, a number of days, or both.")
        return cleaned


@admin.register(RuleOverride)
class RuleOverrideAdmin(ScopedAdmin):
    form = RuleOverrideForm
    list_display = ["patient", "rule", "threshold", "run_days", "set_by", "updated_at"]
    list_filter = [VisiblePatientFilter, "rule"]
    search_fields = ["patient__display_name", "patient__user__username"]
    list_select_related = ["patient__user", "rule", "set_by"]
    autocomplete_fields = ["patient"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "patient":
            kwargs["queryset"] = Patient.objects.for_clinician(request.user).select_related("user")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.rule_override_save(override=obj, set_by=request.user)


# --- Course records -----------------------------------------------------------------------------


@admin.register(MoodCheck)
class MoodCheckAdmin(PatientRecordAdmin):
    list_display = ["patient", "date", "total", "band", "q9"]
    list_filter = [VisiblePatientFilter, "band"]
    list_select_related = ["patient__user"]
    show_full_result_count = False


@admin.register(PregnancyTest)
class PregnancyTestAdmin(PatientRecordAdmin):
    list_display = ["patient", "date", "result"]
    list_filter = [VisiblePatientFilter, "result"]
    list_select_related = ["patient__user"]
    show_full_result_count = False


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

    @admin.display(description="two-factor", boolean=True, ordering="has_two_factor")
    def two_factor(self, obj) -> bool:
        return obj.has_two_factor

    @admin.action(description="Reset two-factor sign-in (lost phone): they set it up again at next sign-in")
    def reset_two_factor(self, request, queryset):
        if not request.user.is_superuser:
            raise PermissionDenied
        users = list(queryset)
        for user in users:
            twofactor.reset_for(request, user)
        self.message_user(request, f"Two-factor sign-in reset for {', '.join(u.get_username() for u in users)}.",
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
