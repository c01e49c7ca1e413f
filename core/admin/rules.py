"""Warning rules (superusers) and per-patient threshold overrides (clinicians)."""


from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import models, services
from ..models import (
    Patient,
    Rule,
    RuleOverride,
)
from .base import ScopedAdmin
from .filters import (
    VisiblePatientFilter,
)

# --- Rules and per-patient overrides ------------------------------------------------------------


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["title", "severity", "notify", "threshold", "run_days", "enabled", "message", "advice", "learn_slug",
                  "learn_anchor", "title_es", "message_es", "advice_es"]

    def clean(self):
        cleaned = super().clean()
        # The English is the source and the Spanish follows it: an English text changed without its
        # Spanish would leave Spanish-speaking patients reading the old one.
        for name in ("title", "message", "advice"):
            spanish = f"{name}_es"
            if name in self.changed_data and spanish not in self.changed_data and cleaned.get(spanish):
                self.add_error(spanish, _("The English text above changed: change this one to match, or empty it "
                                          "(Spanish-speaking patients then read the English)."))
        return cleaned


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ["code", "title", "severity", "notify", "threshold", "run_days", "enabled", "safety_rule"]
    readonly_fields = ["code"]
    # The English texts are the source (required); the Spanish ones are optional, and where one is
    # empty a Spanish-speaking patient reads the English (Rule.clean: the Spanish advice says no less).
    fieldsets = [
        (None, {"fields": ["code", "title", "severity", "notify", "threshold", "run_days", "enabled", "message",
                           "advice", "learn_slug", "learn_anchor"]}),
        (_("Spanish (optional: where a text is empty, the English is shown)"),
         {"fields": ["title_es", "message_es", "advice_es"]}),
    ]

    def has_add_permission(self, request):
        return False  # a rule's logic lives in core.rules: codes come from the data migration

    @admin.display(boolean=True, description=_("safety rule"))
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
            raise forms.ValidationError(_("Set a threshold, a number of days, or both."))
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
