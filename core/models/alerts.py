"""Warning rules, per-patient overrides, and the alerts they raise (an alert is one episode of a
rule holding), with the e-mails sent about them."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..dates import day_range_label
from ..rules import threshold_error
from .patients import NOTES_MAX_LENGTH, ClinicianScopedQuerySet, Patient


class Severity(models.TextChoices):
    INFO = "info", _("Info")
    WARNING = "warning", _("Warning")
    URGENT = "urgent", _("Urgent")


SEVERITY_LEVEL = {Severity.INFO: 1, Severity.WARNING: 2, Severity.URGENT: 3}


class Notify(models.TextChoices):
    """Who a rule's finding is for (issue 23). Every finding is shown to the patient; the route says
    whether it also needs a clinician, and how soon. An urgent finding is always `now`."""

    PATIENT = "patient", _("The patient only (their advice; not the queue, not e-mailed)")
    DIGEST = "digest", _("Also the clinician: the alert queue and the daily digest")
    NOW = "now", _("Also the clinician at once: e-mail within minutes, escalation")


# --- Rules and alerts -------------------------------------------------------------------------

# The texts a patient reads from a rule and from the alerts it raises, stored in English (the source)
# and in Spanish (`<name>_es`). Explicit fields rather than django-modeltranslation, which patches the
# models' managers, QuerySets and options through Django's private APIs (see the README).
TRANSLATED_LANGUAGES = ("es",)


def in_language(obj, name: str) -> str:
    """The text `name` of a rule or an alert (an instance or a row read with `values_list(named=True)`)
    in the active language: the Spanish one when it is asked for and written, else the English one, so
    that a missing translation never shows blank."""
    language = (get_language() or "en").split("-")[0]
    if language in TRANSLATED_LANGUAGES:
        return getattr(obj, f"{name}_{language}", "") or getattr(obj, name)
    return getattr(obj, name)


def in_language_field(name: str) -> F:
    """The column of text `name` in the active language, for a query (empty: use the English one)."""
    language = (get_language() or "en").split("-")[0]
    return F(f"{name}_{language}") if language in TRANSLATED_LANGUAGES else F(name)


# Safety rules: a crisis or a sign the label says to stop and call for. They cannot be switched off,
# lowered in severity or made harder to trigger, by anyone (a superuser too), in the rule admin or
# a per-patient override; their wording can be edited but not emptied. Value: the highest threshold
# allowed (None: the rule has no threshold, and none may be set). phq9-item9 fires on an item-9
# answer of at least its threshold, so 1 ("several days") is the most it may ask for.
LOCKED_RULES: dict[str, int | None] = {"self-harm": None, "red-flag": None, "phq9-item9": 1, "pregnancy-positive": None,
                                      "pregnancy-risk": None, "phq2-positive": 3}
LOCKED_MESSAGE = _(
    "This is a safety rule: it must stay switched on, urgent and as easy to trigger as it is by default."
)
URGENT_NOTIFY_MESSAGE = _(
    "An urgent finding tells the patient to act now, and their page says their clinician is e-mailed within "
    "minutes: it goes to the clinician at once. To send this rule to the digest, make it a warning first."
)


class Rule(models.Model):
    """A warning rule. The logic behind each code is in core.rules; its numbers live here."""

    code = models.SlugField(max_length=40, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=100)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    threshold = models.SmallIntegerField(_("threshold"), null=True, blank=True)
    run_days = models.PositiveSmallIntegerField(
        _("run days"), null=True, blank=True, validators=[MinValueValidator(2), MaxValueValidator(7)]
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    notify = models.CharField(
        _("who is told"), max_length=10, choices=Notify.choices, default=Notify.DIGEST,
        help_text=_("Applies to new findings; those already raised keep the route they were given."),
    )
    message = models.CharField(_("one-line explanation"), max_length=300)
    advice = models.CharField(_("what to do"), max_length=500)
    # Spanish: optional, English shown where it is empty. Severity is decided on the English advice;
    # the Spanish may not say less (clean).
    title_es = models.CharField(_("title (Spanish)"), max_length=100, blank=True)
    message_es = models.CharField(_("one-line explanation (Spanish)"), max_length=300, blank=True)
    advice_es = models.CharField(_("what to do (Spanish)"), max_length=500, blank=True)
    learn_slug = models.SlugField(_("education page"), max_length=50)
    learn_anchor = models.SlugField(_("learn anchor"), max_length=50, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def locked(self) -> bool:
        return self.code in LOCKED_RULES

    def notify_for(self, severity: str) -> str:
        """The route of a new finding of this rule: at once when it is urgent or a safety rule,
        whatever the row says (it may have been written past validation), else the rule's own."""
        return Notify.NOW if severity == Severity.URGENT or self.locked else self.notify

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("title", "message", "advice"):
            if not (getattr(self, name) or "").strip():
                errors[name] = gettext("This text is shown to patients and clinicians: it cannot be empty.")
        if self.severity and self.advice and not rules.severity_fits(self.severity, self.advice):
            # One rule for severity: advice to stop taking isotretinoin is urgent, advice to call a warning.
            least = rules.minimum_severity(self.advice)
            if least == Severity.URGENT:
                message = gettext("This advice tells the patient to stop taking isotretinoin: its severity must be "
                                  "at least %(least)s.")
            else:
                message = gettext("This advice tells the patient to call: its severity must be at least %(least)s.")
            errors["severity"] = message % {"least": Severity(least).label.lower()}
        if self.advice and self.advice_es and (error := rules.spanish_advice_error(self.advice, self.advice_es)):
            errors["advice_es"] = error
        elif self.severity and self.advice_es and "severity" not in errors and not rules.severity_fits(
                self.severity, self.advice_es, rules.minimum_severity_es):
            least = rules.minimum_severity_es(self.advice_es)
            errors["severity"] = gettext("The Spanish advice says more than the English: its severity must be "
                                         "%(least)s or more.") % {"least": Severity(least).label.lower()}
        if self.locked:
            if not self.enabled:
                errors["enabled"] = gettext("%(locked)s It cannot be switched off.") % {"locked": LOCKED_MESSAGE}
            if self.severity != Severity.URGENT:
                errors["severity"] = gettext("%(locked)s Its severity stays urgent.") % {"locked": LOCKED_MESSAGE}
            if self.notify != Notify.NOW:
                errors["notify"] = gettext("%(locked)s Its clinicians are told at once.") % {"locked": LOCKED_MESSAGE}
            errors.update(locked_threshold_errors(self.code, self.threshold, self.run_days))
        elif self.severity == Severity.URGENT and self.notify != Notify.NOW:
            errors["notify"] = URGENT_NOTIFY_MESSAGE
        if "threshold" not in errors and (error := threshold_error(self.code, self.threshold)):
            errors["threshold"] = error
        if errors:
            raise ValidationError(errors)


def locked_threshold_errors(code: str, threshold: int | None, run_days: int | None) -> dict[str, str]:
    """Why a threshold or run length would make a safety rule harder to trigger (empty: it would not)."""
    if code not in LOCKED_RULES:
        return {}
    errors = {}
    highest = LOCKED_RULES[code]
    if highest is None and threshold is not None:
        errors["threshold"] = gettext("%(locked)s It has no threshold: leave this empty.") % {"locked": LOCKED_MESSAGE}
    elif highest is not None and (threshold is None or threshold > highest):
        errors["threshold"] = gettext("%(locked)s Its threshold can be at most %(highest)s.") % {
            "locked": LOCKED_MESSAGE, "highest": highest}
    if run_days is not None:
        errors["run_days"] = gettext("%(locked)s It fires on a single day: leave this empty.") % {
            "locked": LOCKED_MESSAGE}
    return errors


class RuleOverride(models.Model):
    """A clinician's threshold for one patient of theirs, in place of the rule's default."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="rule_overrides",
                                verbose_name=_("patient"))
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("rule"))
    threshold = models.SmallIntegerField(_("threshold"), null=True, blank=True)
    run_days = models.PositiveSmallIntegerField(
        _("run days"), null=True, blank=True, validators=[MinValueValidator(2), MaxValueValidator(7)]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("set by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ClinicianScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient", "rule"], name="one_override_per_rule")]

    def __str__(self) -> str:
        return f"{self.rule.code} for {self.patient}"

    def clean(self) -> None:
        if self.rule_id is None:
            return
        errors = locked_threshold_errors(self.rule.code, self.threshold, self.run_days)
        # An override's empty threshold means "the rule's own", which is allowed.
        if self.threshold is None:
            errors.pop("threshold", None)
        if "threshold" not in errors and (error := threshold_error(self.rule.code, self.threshold)):
            errors["threshold"] = error
        if errors:
            raise ValidationError(errors)


# Which alerts need a clinician, and which are e-mailed at once: by the route copied onto the alert
# when it was raised, and always for an urgent one (a row written past validation included).
NEEDS_CLINICIAN = ~Q(notify=Notify.PATIENT) | Q(severity=Severity.URGENT)
AT_ONCE = Q(notify=Notify.NOW) | Q(severity=Severity.URGENT)


class AlertQuerySet(ClinicianScopedQuerySet):
    def unresolved(self) -> "AlertQuerySet":
        """Findings that still hold (the entry was not edited or deleted away from them)."""
        return self.filter(resolved_at__isnull=True)

    def open(self) -> "AlertQuerySet":
        """Still holding and not yet acknowledged by a clinician."""
        return self.filter(resolved_at__isnull=True, acknowledged_at__isnull=True)

    def to_clinician(self) -> "AlertQuerySet":
        """Alerts routed to a clinician (open or not): all but the findings for the patient only."""
        return self.filter(NEEDS_CLINICIAN)

    def for_patient_only(self) -> "AlertQuerySet":
        return self.exclude(NEEDS_CLINICIAN)

    def needs_clinician(self) -> "AlertQuerySet":
        """Open and for a clinician: the queue, the digest, the index's counts, "needs attention".
        Findings for the patient only are never open items anyone must acknowledge."""
        return self.open().to_clinician()

    def at_once(self) -> "AlertQuerySet":
        """Open alerts e-mailed within minutes and escalated until acknowledged."""
        return self.open().filter(AT_ONCE)

    def for_digest(self) -> "AlertQuerySet":
        return self.needs_clinician().exclude(AT_ONCE)

    def with_rule_title(self) -> "AlertQuerySet":
        """Each alert's rule title (`rule_title`) in the active language, read in the same query."""
        rule = Rule.objects.filter(code=OuterRef("rule_code"))
        shown = Coalesce(NullIf(in_language_field("title"), Value("")), "title")
        title = rule.annotate(shown=shown).values("shown")[:1]
        return self.annotate(rule_title=Coalesce(Subquery(title), F("rule_code"), output_field=models.CharField()))

    def urgent_first(self) -> "AlertQuerySet":
        """The triage order: urgent first, then the one waiting longest."""
        return self.order_by("-level", "created_at")

    def covering(self, day: date) -> "AlertQuerySet":
        return self.filter(first_day__lte=day, last_day__gte=day)


class Outcome(models.TextChoices):
    CONTACTED = "contacted", _("Contacted the patient")
    ADVISED_STOP = "advised_stop", _("Advised to stop")
    NO_ACTION = "no_action", _("Reviewed, no action")
    OTHER = "other", _("Other")


class Alert(models.Model):
    """One episode of one rule for one patient: the consecutive logged days that met it
    (core/episodes.py), or one course finding such as a mood check (`source`)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("patient"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    days = models.PositiveSmallIntegerField(_("days"), default=1)
    # What raised an alert that is not about diary entries: "mood-check:<id>", "pregnancy-test:<id>",
    # "test-due:<date>". Empty for entry alerts.
    source = models.CharField(max_length=60, blank=True)
    rule_code = models.SlugField(_("rule code"), max_length=40)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    level = models.PositiveSmallIntegerField(editable=False)
    # Who the finding is for, copied from its rule when raised (Rule.notify_for), so that a change
    # to the rule applies to new findings only.
    notify = models.CharField(_("who is told"), max_length=10, choices=Notify.choices, default=Notify.DIGEST)
    message = models.CharField(max_length=300)
    advice = models.CharField(max_length=500)
    detail = models.CharField(_("latest value"), max_length=300, blank=True)
    # The same texts in Spanish, stored as raised (empty: the rule had none; in_language shows the
    # English). Nullable so that SQLite adds the columns in place (a rebuilt table would lose its triggers).
    message_es = models.CharField(max_length=300, null=True, blank=True)
    advice_es = models.CharField(max_length=500, null=True, blank=True)
    detail_es = models.CharField(_("latest value (Spanish)"), max_length=300, null=True, blank=True)
    worst_es = models.CharField(_("worst value (Spanish)"), max_length=300, null=True, blank=True)
    # The symptom codes of a red-flag or pregnancy-risk episode, for the advice shown for each sign.
    # Nullable so that SQLite adds the column in place (a rebuilt table would lose its triggers).
    signs = models.JSONField(_("signs reported"), null=True, blank=True)
    worst = models.CharField(_("worst value"), max_length=300, blank=True)
    learn_url = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(NOTES_MAX_LENGTH)])
    # Set by send_notifications: when the alert was taken into an e-mail (claimed, so that no
    # other run takes it), when that e-mail was delivered, and when it was escalated.
    email_queued_at = models.DateTimeField(_("e-mail queued"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("clinician e-mailed"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-level", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "rule_code", "source"], condition=~Q(source=""), name="one_alert_per_source"
            ),
            models.CheckConstraint(condition=Q(first_day__lte=F("last_day")), name="alert_days_in_order"),
        ]
        indexes = [
            # A patient's open alerts (admin patient list: highest open severity).
            models.Index(fields=["patient", "acknowledged_at", "resolved_at", "level"], name="alert_patient_open"),
            # A patient's recent alerts (dashboard: the last 7 days).
            models.Index(fields=["patient", "last_day"], name="alert_patient_date"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} · {self.patient} · {self.days_label}"

    def save(self, *args, **kwargs) -> None:
        self.level = SEVERITY_LEVEL[self.severity]
        if kwargs.get("update_fields") is not None and "severity" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "level"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None and self.acknowledged_at is None

    @property
    def for_patient_only(self) -> bool:
        return self.notify == Notify.PATIENT and self.severity != Severity.URGENT

    @property
    def latest_value(self) -> str:
        """The latest value (`detail`) in the reader's language, as raised; English where there is no Spanish."""
        return in_language(self, "detail")

    @property
    def worst_value(self) -> str:
        return in_language(self, "worst")

    @property
    def days_label(self) -> str:
        """"November 14, 2026" or "November 14 to November 23, 2026 (10 days)"."""
        return day_range_label(self.first_day, self.last_day, self.days)


class Notification(models.Model):
    """An e-mail send_notifications sent (or is sending) about alerts: to whom, which, when."""

    class Kind(models.TextChoices):
        URGENT = "urgent", _("New urgent alert")
        DIGEST = "digest", _("Daily digest")
        ESCALATION = "escalation", _("Escalation")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to = models.EmailField()
    alerts = models.ManyToManyField(Alert, related_name="notifications")
    # The digest's day (TIME_ZONE): one digest per clinician per day, enforced by the database.
    for_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    mail = models.ForeignKey("post_office.Email", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["to", "for_date"], condition=Q(kind="digest"), name="one_digest_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to}"
