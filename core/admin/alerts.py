"""The alert queue: one row per open alert (an episode), acknowledged with an outcome."""


from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import (
    NOTES_MAX_LENGTH,
    Alert,
    Outcome,
    in_language,
)
from .base import ScopedAdmin, severity_badge
from .filters import (
    AlertStatusFilter,
    RuleFilter,
)

# --- Alerts: the review queue -------------------------------------------------------------------


class AcknowledgeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTES_MAX_LENGTH,
        help_text=_("Optional. Seen by clinicians and in the audit trail, never by the patient."),
    )


@admin.register(Alert)
class AlertAdmin(ScopedAdmin):
    """The triage queue: one row per open episode, urgent first, then the one waiting longest."""

    list_display = ["badge", "patient", "rule", "first_day", "last_day", "days", "latest_value", "notified", "status"]
    # A patient is found with the search box: a filter listing every patient would be long.
    list_filter = [AlertStatusFilter, "severity", RuleFilter]
    show_full_result_count = False
    list_per_page = 25  # worked from the top: urgent first, then oldest
    search_fields = ["patient__display_name", "patient__user__username", "patient__user__email"]
    list_select_related = ["patient__user", "acknowledged_by"]
    ordering = ["-level", "created_at"]
    actions = ["acknowledge"]
    change_form_template = "admin/core/alert/change_form.html"
    # The texts in the clinician's language (as raised; English where there is no Spanish).
    fields = ["patient", "rule_code", "severity", "notify", "first_day", "last_day", "days", "latest_value",
              "worst_value", "message_text", "advice_text", "created_at", "email_queued_at", "emailed_at",
              "escalated_at", "resolved_at", "acknowledged_by_name", "acknowledged_at", "outcome", "note"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        return super().get_queryset(request).with_rule_title()

    @admin.display(description=_("rule"), ordering="rule_title")
    def rule(self, obj: Alert):
        return format_html('{} <small class="iso-code">{}</small>', obj.rule_title, obj.rule_code)

    @admin.display(description=_("acknowledged by"))
    def acknowledged_by_name(self, obj: Alert) -> str:
        # The name alone: the user admin is for superusers, and a link there would answer a clinician with 403.
        user = obj.acknowledged_by
        return self.get_empty_value_display() if user is None else user.get_username()

    @admin.display(description=_("latest value"))
    def latest_value(self, obj: Alert) -> str:
        return obj.latest_value

    @admin.display(description=_("worst value"))
    def worst_value(self, obj: Alert) -> str:
        return obj.worst_value

    @admin.display(description=_("message"))
    def message_text(self, obj: Alert) -> str:
        return in_language(obj, "message")

    @admin.display(description=_("advice"))
    def advice_text(self, obj: Alert) -> str:
        return in_language(obj, "advice")

    @admin.display(description=_("severity"), ordering="-level")
    def badge(self, obj: Alert):
        return severity_badge(obj.level)

    @admin.display(description=_("clinician e-mailed"), ordering="emailed_at")
    def notified(self, obj: Alert):
        if obj.emailed_at:
            return date_format(timezone.localtime(obj.emailed_at), "SHORT_DATETIME_FORMAT")
        return gettext("queued") if obj.email_queued_at else "–"

    @admin.display(description=_("status"))
    def status(self, obj: Alert) -> str:
        if obj.acknowledged_at:
            who = obj.acknowledged_by.get_username() if obj.acknowledged_by else gettext("a deleted user")
            when = date_format(timezone.localtime(obj.acknowledged_at), "SHORT_DATETIME_FORMAT")
            return gettext("acknowledged by %(who)s, %(when)s") % {"who": who, "when": when}
        if obj.resolved_at:
            return gettext("no longer holds")
        return gettext("open")

    @admin.action(description=_("Acknowledge with an outcome…"), permissions=["change"])
    def acknowledge(self, request, queryset):
        """An intermediate page (as Django's delete action has) asks for the outcome and a note."""
        form = AcknowledgeForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = services.acknowledge(alerts=queryset, user=request.user, **form.cleaned_data)
            count = len(done.now)
            message = ngettext("%(count)d alert acknowledged.", "%(count)d alerts acknowledged.", count)
            self.message_user(request, message % {"count": count}, messages.SUCCESS)
            self.acknowledged_first(request, done.earlier)
            return None
        alerts = list(queryset.to_clinician().select_related("patient__user"))
        if not alerts:
            self.message_user(request, PATIENT_ONLY_MESSAGE, messages.INFO)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Acknowledge alerts"),
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
            who = alert.acknowledged_by.get_username() if alert.acknowledged_by else gettext("a deleted user")
            when = date_format(timezone.localtime(alert.acknowledged_at), "SHORT_DATETIME_FORMAT")
            message = gettext("%(alert)s was already acknowledged by %(who)s at %(when)s: their outcome and note are "
                              "kept, yours was not saved.")
            self.message_user(request, message % {"alert": alert, "who": who, "when": when}, messages.WARNING)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": gettext("Alert queue"), **(extra_context or {})})

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
                self.message_user(request, gettext("This alert is already acknowledged."), messages.INFO)
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
            self.message_user(request, gettext("Alert acknowledged."), messages.SUCCESS)
            return redirect("admin:core_alert_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Acknowledge alert"),
            "opts": self.model._meta,
            "form": form,
            "alerts": [alert],
        }
        return TemplateResponse(request, "admin/core/alert/acknowledge.html", context,
                                status=400 if form.is_bound else 200)


PATIENT_ONLY_MESSAGE = _("Findings for the patient only (their rule tells the patient what to do) are not open "
                         "items: there is nothing to acknowledge.")


def urgent_left_message(count: int) -> str:
    return ngettext(
        "%(count)d urgent alert left open: acknowledge each one from the alert queue, with its own outcome.",
        "%(count)d urgent alerts left open: acknowledge each one from the alert queue, with its own outcome.",
        count,
    ) % {"count": count}
