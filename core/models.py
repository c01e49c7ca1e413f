"""The patient's record: profile, daily diary entries, warning rules and the alerts they raise."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rules
from .dates import day_range_label
from .rules import threshold_error

CLINICIANS_GROUP = "Clinicians"
NOTES_MAX_LENGTH = 2000


class Severity(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    URGENT = "urgent", "Urgent"


SEVERITY_LEVEL = {Severity.INFO: 1, Severity.WARNING: 2, Severity.URGENT: 3}


class Notify(models.TextChoices):
    """Who a rule's finding is for (issue 23). Every finding is shown to the patient; the route says
    whether it also needs a clinician, and how soon. An urgent finding is always `now`."""

    PATIENT = "patient", "The patient only (their advice; not the queue, not e-mailed)"
    DIGEST = "digest", "Also the clinician: the alert queue and the daily digest"
    NOW = "now", "Also the clinician at once: e-mail within minutes, escalation"


class Sunburn(models.TextChoices):
    NONE = "none", "None"
    MILD = "mild", "Mild (red, sore)"
    BLISTERING = "blistering", "Blistering"


class Unusual(models.TextChoices):
    """The entry's answer to "Anything unusual today?". Blank on entries from before the question."""

    YES = "yes", "Yes"
    NO = "no", "No"


class Symptom(models.TextChoices):
    """Red-flag symptoms: the signs the Medication Guide says need a call to the doctor. Most are its
    "stop taking isotretinoin and call your doctor right away" signs; for fainting or feeling weak and
    for being very thirsty or urinating a lot it says to call or tell your doctor (not to stop), and for
    an allergic reaction to get emergency help. Every one raises the urgent red-flag rule, and the
    finding gives each sign's own advice (SIGN_ADVICE). The codes are stored in diary entries and name
    anchors on /learn/warning-signs/: never rename one, only add. The last two (PREGNANCY_SIGNS) are
    not red flags: they raise pregnancy-risk, and only a patient who can become pregnant is asked."""

    HEADACHE_VISION = "headache_vision", "Bad headache, blurred vision, dizziness, nausea or vomiting"
    VISION = "vision", "Any change in your vision, or eye pain"
    PAINFUL_DRY_EYES = "painful_dry_eyes", "Dry eyes that are painful or there all the time"
    HEARING = "hearing", "Hearing loss or ringing in the ears"
    SEIZURE = "seizure", "A seizure (convulsion)"
    STROKE_SIGNS = "stroke_signs", "Slurred speech, or weakness or numbness on one side of the body"
    FAINTING_HEARTBEAT = "fainting_heartbeat", "Fainting, or feeling very weak"
    ABDOMINAL_PAIN = "abdominal_pain", "Severe stomach, chest or bowel pain"
    SWALLOWING_HEARTBURN = "swallowing_heartburn", "Trouble or pain swallowing, or new or worse heartburn"
    BOWEL_BLEEDING = "bowel_bleeding", "Diarrhea, or bleeding from the rectum"
    JAUNDICE = "jaundice", "Yellow skin or eyes, or dark urine"
    THIRST_URINATION = "thirst_urination", "Being very thirsty or urinating a lot"
    SKIN_REACTION = (
        "skin_reaction",
        "Rash with fever, blisters, peeling skin, red or inflamed eyes (pink eye), or sores in the mouth, throat, "
        "nose or eyes",
    )
    LEG_BRUISES = "leg_bruises", "Bruises or red patches on your legs"
    ALLERGIC_REACTION = "allergic_reaction", "Hives, a swollen face or mouth, or trouble breathing"
    MUSCLE_WEAKNESS = "muscle_weakness", "Muscle weakness, with or without pain"
    HALLUCINATIONS = (
        "hallucinations", "Seeing or hearing things that are not real, or feeling more angry or aggressive than usual"
    )
    SELF_HARM = "self_harm", "Thoughts of harming or killing yourself"
    # Asked only of a patient who can become pregnant (core.forms.EntryForm); they raise the
    # pregnancy-risk rule, not red-flag.
    MISSED_PERIOD = "missed_period", "I missed my period"
    UNPROTECTED_SEX = "unprotected_sex", "I had sex without using two forms of birth control"


PREGNANCY_GROUP = _("Pregnancy (your prescriber's team sees these answers)")

# What to do about each sign, as the Medication Guide words it (stop and call, or call), and when to
# call 911 as it, the CDC (seizure first aid) and NINDS (stroke) give it: sources on
# /learn/warning-signs/ and /learn/pregnancy/. Shown in the finding next to each sign ticked.
STOP_AND_CALL = _("Stop taking isotretinoin and call your prescriber right away.")
SIGN_ADVICE: dict[str, str] = {
    **{code: STOP_AND_CALL for code in (
        "headache_vision", "vision", "painful_dry_eyes", "hearing", "abdominal_pain", "swallowing_heartburn",
        "bowel_bleeding", "jaundice", "skin_reaction", "leg_bruises", "muscle_weakness", "hallucinations",
        "missed_period",
    )},
    "seizure": _(
        "Call 911 if it is a first seizure, lasts longer than 5 minutes, is followed by another, or the person has "
        "trouble breathing or waking up afterwards, is hurt, had it in water, or is pregnant. After any seizure, "
        "call your prescriber right away."
    ),
    "stroke_signs": _("These can be signs of a stroke: call 911 right away. Then call your prescriber."),
    "fainting_heartbeat": _("Call your prescriber right away."),
    "thirst_urination": _("Call your prescriber right away."),
    "allergic_reaction": _(
        "These are signs of a serious allergic reaction: stop taking isotretinoin and get emergency help right "
        "away. Call 911."
    ),
    "self_harm": _(
        "Get help now: call or text 988, or call 911 if you are in danger. Then stop taking isotretinoin and call "
        "your prescriber."
    ),
    "unprotected_sex": _(
        "Stop taking isotretinoin and call your prescriber right away. Ask about emergency contraception as soon as "
        "possible."
    ),
}

# The entry form shows the list in these groups, by part of the body, so that a patient scanning
# it on a phone finds a sign quickly. Every code is in exactly one group (tests/test_entry_form.py).
SYMPTOM_GROUPS: list[tuple[str, list[Symptom]]] = [
    ("Head, eyes and ears", [Symptom.HEADACHE_VISION, Symptom.VISION, Symptom.PAINFUL_DRY_EYES, Symptom.HEARING]),
    ("Brain, nerves and heart", [Symptom.SEIZURE, Symptom.STROKE_SIGNS, Symptom.FAINTING_HEARTBEAT]),
    ("Stomach, bowel and liver", [Symptom.ABDOMINAL_PAIN, Symptom.SWALLOWING_HEARTBURN, Symptom.BOWEL_BLEEDING,
                                  Symptom.JAUNDICE, Symptom.THIRST_URINATION]),
    ("Skin, allergy and muscles", [Symptom.SKIN_REACTION, Symptom.LEG_BRUISES, Symptom.ALLERGIC_REACTION,
                                   Symptom.MUSCLE_WEAKNESS]),
    ("Mood and mind", [Symptom.HALLUCINATIONS, Symptom.SELF_HARM]),
    (PREGNANCY_GROUP, [Symptom.MISSED_PERIOD, Symptom.UNPROTECTED_SEX]),
]
PREGNANCY_SIGNS = rules.PREGNANCY_SIGNS  # MISSED_PERIOD and UNPROTECTED_SEX


class WeightUnit(models.TextChoices):
    POUNDS = "lb", _("lb")
    KILOGRAMS = "kg", _("kg")


KG_PER_LB = Decimal("0.45359237")  # the international avoirdupois pound, exactly
# What a weight may be, in each unit: 20–300 kg, and 45–660 lb (about the same range, rounded).
WEIGHT_RANGE = {WeightUnit.KILOGRAMS: (20, 300), WeightUnit.POUNDS: (45, 660)}


def weight_to_kg(value: Decimal, unit: str) -> Decimal:
    kg = value * KG_PER_LB if unit == WeightUnit.POUNDS else value
    return kg.quantize(Decimal("0.01"))


def weight_from_kg(kg: Decimal, unit: str) -> Decimal:
    value = kg / KG_PER_LB if unit == WeightUnit.POUNDS else kg
    return value.quantize(Decimal("0.1"))


def default_time_zone() -> str:
    return settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("Choose a time zone from the list, e.g. Europe/London.") from None


def zone_or_default(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def is_clinician(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_staff
        and user.groups.filter(name=CLINICIANS_GROUP).exists()
    )


# --- Patient ----------------------------------------------------------------------------------


def emailable_clinician(path: str = "") -> Q:
    """The clinicians isodiary e-mails about their patients' alerts: active staff with an address.

    One definition for the sender (notifications) and for what the patient's page promises
    (data-care-team), so that the page never says "your clinician will be e-mailed" when nobody is.
    `path` leads from the rows filtered to the user ("user__" from a patient-clinician link)."""
    return Q(**{f"{path}is_active": True, f"{path}is_staff": True}) & ~Q(**{f"{path}email": ""})


class ClinicianScopedQuerySet(models.QuerySet):
    """Rows that belong to a patient. `for_clinician` is the one place that says which of them a
    staff user may see: every patient's for a superuser, else those of the patients assigned to
    them. The views, the admin, its filters and exports all scope through it."""

    patient_lookup = "patient__"  # from these rows to their patient

    def for_clinician(self, user):
        if user.is_superuser:
            return self
        return self.filter(**{f"{self.patient_lookup}clinicians": user})


class PatientQuerySet(ClinicianScopedQuerySet):
    patient_lookup = ""

    def with_local_days(self, now: datetime | None = None, **days_back: int) -> "PatientQuerySet":
        """Annotates each patient's own dates, as their entries are dated: `name=n` is the day n days
        before today in the patient's time zone (n=0: their today). The time zones of these patients
        (read in one query) put them on at most three different dates, so each annotation is a CASE
        over those few groups of zones."""
        now = now or timezone.now()
        zones_on: dict[date, list[str]] = defaultdict(list)
        for name in self.order_by().values_list("time_zone", flat=True).distinct():
            zones_on[now.astimezone(zone_or_default(name)).date()].append(name)

        def day(back: int) -> Case:
            whens = [When(time_zone__in=names, then=Value(today - timedelta(days=back)))
                     for today, names in zones_on.items()]
            default = Value(timezone.localdate(now) - timedelta(days=back))  # a patient added meanwhile
            return Case(*whens, default=default, output_field=models.DateField())

        return self.annotate(**{name: day(back) for name, back in days_back.items()})


class Patient(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient")
    display_name = models.CharField("display name", max_length=100, blank=True)
    time_zone = models.CharField(max_length=64, default=default_time_zone, validators=[validate_time_zone])
    course_start = models.DateField("course start", null=True, blank=True)
    daily_dose_mg = models.PositiveSmallIntegerField(
        "daily dose (mg)", null=True, blank=True, validators=[MaxValueValidator(200)]
    )
    # Stored in kilograms whatever unit the patient types (two decimals, so that a weight typed in
    # pounds to 0.1 lb reads back the same); shown in their weight_unit.
    weight_kg = models.DecimalField(
        "weight (kg)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(20), MaxValueValidator(300)],
    )
    weight_unit = models.CharField(
        "weight unit", max_length=2, choices=WeightUnit.choices, default=WeightUnit.POUNDS,
    )
    course_end = models.DateField(
        "course end", null=True, blank=True, help_text="The planned (or actual) day of the last dose."
    )
    reminder_time = models.TimeField(
        _("daily reminder at"),
        null=True,
        blank=True,
        help_text=_("The time of day (your time zone) to remind you if you have not written that day's entry. "
                    "Empty: no reminder."),
    )
    # Set by the clinician.
    can_become_pregnant = models.BooleanField("can become pregnant", default=False)
    target_low_mg_per_kg = models.PositiveSmallIntegerField(
        "cumulative target from (mg/kg)", default=120, validators=[MinValueValidator(1), MaxValueValidator(400)]
    )
    target_high_mg_per_kg = models.PositiveSmallIntegerField(
        "cumulative target to (mg/kg)", default=150, validators=[MinValueValidator(1), MaxValueValidator(400)]
    )
    contraception_primary = models.CharField("first form of contraception", max_length=100, blank=True)
    contraception_secondary = models.CharField("second form of contraception", max_length=100, blank=True)
    clinicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="assigned_patients",
        blank=True,
        limit_choices_to={"is_staff": True, "groups__name": CLINICIANS_GROUP},
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept by database triggers, never by the application (core/versions.py): rises with every
    # write to this row and to the patient's entries, alerts, mood checks and pregnancy tests.
    data_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(daily_dose_mg__isnull=True) | Q(daily_dose_mg__gte=0, daily_dose_mg__lte=200),
                name="patient_daily_dose_range",
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gte=20, weight_kg__lte=300),
                name="patient_weight_range",
            ),
            models.CheckConstraint(
                condition=Q(target_low_mg_per_kg__lte=F("target_high_mg_per_kg")), name="patient_target_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_full_name() or self.user.username

    @property
    def tz(self) -> ZoneInfo:
        return zone_or_default(self.time_zone)

    def today(self) -> date:
        return timezone.now().astimezone(self.tz).date()

    def course_day(self, on: date | None = None) -> int | None:
        """Days since the course started (day 1 is the start day), or None before it is set."""
        if self.course_start is None:
            return None
        return ((on or self.today()) - self.course_start).days + 1

    @property
    def weight(self) -> Decimal | None:
        """The weight in the patient's own unit."""
        return None if self.weight_kg is None else weight_from_kg(self.weight_kg, self.weight_unit)

    @property
    def weight_label(self) -> str:
        """The weight as the patient gave it, e.g. "150 lb" ("" when not given)."""
        return "" if self.weight is None else f"{self.weight.normalize():f} {self.weight_unit}"

    @property
    def profile_complete(self) -> bool:
        return all([self.display_name, self.course_start, self.daily_dose_mg is not None])


# --- Diary ------------------------------------------------------------------------------------

SCALE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(10)]


def _scale_field(label: str, help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, validators=SCALE_VALIDATORS, help_text=help_text)


def validate_symptoms(value) -> None:
    if not isinstance(value, list) or any(code not in Symptom.values for code in value):
        raise ValidationError("Unknown symptom.")


class DiaryEntryQuerySet(ClinicianScopedQuerySet):
    def for_patient(self, patient: Patient) -> "DiaryEntryQuerySet":
        return self.filter(patient=patient)

    def between(self, start: date, end: date) -> "DiaryEntryQuerySet":
        return self.filter(date__gte=start, date__lte=end)


class DiaryEntry(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="entries")
    date = models.DateField()
    skin_dryness = _scale_field("skin dryness", "0 = none, 10 = worst imaginable")
    lip_dryness = _scale_field("lip dryness", "0 = none, 10 = worst imaginable")
    eye_dryness = _scale_field("eye dryness", "0 = none, 10 = worst imaginable")
    mood = _scale_field("mood", "0 = worst, 10 = best")
    sun_minutes = models.PositiveSmallIntegerField(
        "minutes in direct sun",
        validators=[MinValueValidator(0), MaxValueValidator(1440)],
        help_text="0 to 1440 (a whole day)",
    )
    dose_mg = models.PositiveSmallIntegerField(
        "isotretinoin taken today (mg)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(200)],
        help_text="0 to 200 mg. Leave empty if you did not take a dose.",
    )
    sunscreen = models.BooleanField("I used sunscreen", default=False)
    sunburn = models.CharField(max_length=10, choices=Sunburn.choices, default=Sunburn.NONE)
    # Blank: the entry was written before the question was asked (migration 0012). Never "no" with
    # symptoms: the entry form saves a ticked sign as "yes" whatever the answer (core/forms.py).
    anything_unusual = models.CharField("anything unusual today?", max_length=3, choices=Unusual.choices,
                                        blank=True)
    symptoms = models.JSONField(default=list, blank=True, validators=[validate_symptoms])
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(NOTES_MAX_LENGTH)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DiaryEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name_plural = "diary entries"
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="one_entry_per_patient_per_day"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 0, f"{name}__lte": 10}), name=f"entry_{name}_0_10"
                )
                for name in ("skin_dryness", "lip_dryness", "eye_dryness", "mood")
            ],
            models.CheckConstraint(
                condition=Q(sun_minutes__gte=0, sun_minutes__lte=1440), name="entry_sun_minutes_range"
            ),
            models.CheckConstraint(condition=Q(sunburn__in=Sunburn.values), name="entry_sunburn_choice"),
            models.CheckConstraint(condition=Q(anything_unusual__in=["", *Unusual.values]),
                                   name="entry_anything_unusual_choice"),
            models.CheckConstraint(
                condition=Q(dose_mg__isnull=True) | Q(dose_mg__lte=200), name="entry_dose_range"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("notes"), NOTES_MAX_LENGTH), name="entry_notes_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · {self.date.isoformat()}"

    # Every check constraint above restates a validator of its field, which full_clean has just
    # run (and the database enforces it again on save); asking the database too would cost a
    # query a constraint on every save of the diary. The one-entry-a-day constraint is still checked.
    FIELDS_CHECKED_BY_VALIDATORS = {"skin_dryness", "lip_dryness", "eye_dryness", "mood", "sun_minutes", "sunburn",
                                    "dose_mg", "notes", "anything_unusual"}

    def validate_constraints(self, exclude=None) -> None:
        super().validate_constraints(exclude={*(exclude or ()), *self.FIELDS_CHECKED_BY_VALIDATORS})

    @property
    def max_dryness(self) -> int:
        return max(self.skin_dryness, self.lip_dryness, self.eye_dryness)

    def symptom_labels(self) -> list[str]:
        return [Symptom(code).label for code in self.symptoms if code in Symptom.values]


# --- Rules and alerts -------------------------------------------------------------------------


# Safety rules: a crisis or a sign the label says to stop and call for. They cannot be switched off,
# lowered in severity or made harder to trigger, by anyone (a superuser too), in the rule admin or
# a per-patient override; their wording can be edited but not emptied. Value: the highest threshold
# allowed (None: the rule has no threshold, and none may be set). phq9-item9 fires on an item-9
# answer of at least its threshold, so 1 ("several days") is the most it may ask for.
LOCKED_RULES: dict[str, int | None] = {"self-harm": None, "red-flag": None, "phq9-item9": 1, "pregnancy-positive": None,
                                      "pregnancy-risk": None, "phq2-positive": 3}
LOCKED_MESSAGE = "This is a safety rule: it must stay switched on, urgent and as easy to trigger as it is by default."
URGENT_NOTIFY_MESSAGE = (
    "An urgent finding tells the patient to act now, and their page says their clinician is e-mailed within "
    "minutes: it goes to the clinician at once. To send this rule to the digest, make it a warning first."
)


class Rule(models.Model):
    """A warning rule. The logic behind each code is in core.rules; its numbers live here."""

    code = models.SlugField(max_length=40, unique=True, editable=False)
    title = models.CharField(max_length=100)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    threshold = models.SmallIntegerField(null=True, blank=True)
    run_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(2), MaxValueValidator(7)]
    )
    enabled = models.BooleanField(default=True)
    notify = models.CharField(
        "who is told", max_length=10, choices=Notify.choices, default=Notify.DIGEST,
        help_text="Applies to new findings; those already raised keep the route they were given.",
    )
    message = models.CharField("one-line explanation", max_length=300)
    advice = models.CharField("what to do", max_length=500)
    learn_slug = models.SlugField("education page", max_length=50)
    learn_anchor = models.SlugField(max_length=50, blank=True)

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
                errors[name] = "This text is shown to patients and clinicians: it cannot be empty."
        if self.severity and self.advice and not rules.severity_fits(self.severity, self.advice):
            # One rule for severity: advice to stop taking isotretinoin is urgent, advice to call a warning.
            least = rules.minimum_severity(self.advice)
            action = "stop taking isotretinoin" if least == Severity.URGENT else "call"
            errors["severity"] = f"This advice tells the patient to {action}: its severity must be at least {least}."
        if self.locked:
            if not self.enabled:
                errors["enabled"] = f"{LOCKED_MESSAGE} It cannot be switched off."
            if self.severity != Severity.URGENT:
                errors["severity"] = f"{LOCKED_MESSAGE} Its severity stays urgent."
            if self.notify != Notify.NOW:
                errors["notify"] = f"{LOCKED_MESSAGE} Its clinicians are told at once."
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
        errors["threshold"] = f"{LOCKED_MESSAGE} It has no threshold: leave this empty."
    elif highest is not None and (threshold is None or threshold > highest):
        errors["threshold"] = f"{LOCKED_MESSAGE} Its threshold can be at most {highest}."
    if run_days is not None:
        errors["run_days"] = f"{LOCKED_MESSAGE} It fires on a single day: leave this empty."
    return errors


class RuleOverride(models.Model):
    """A clinician's threshold for one patient of theirs, in place of the rule's default."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="rule_overrides")
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="overrides")
    threshold = models.SmallIntegerField(null=True, blank=True)
    run_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(2), MaxValueValidator(7)]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

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
        """Each alert's rule title (`rule_title`), read in the same query."""
        title = Rule.objects.filter(code=OuterRef("rule_code")).values("title")[:1]
        return self.annotate(rule_title=Coalesce(Subquery(title), F("rule_code"), output_field=models.CharField()))

    def urgent_first(self) -> "AlertQuerySet":
        """The triage order: urgent first, then the one waiting longest."""
        return self.order_by("-level", "created_at")

    def covering(self, day: date) -> "AlertQuerySet":
        return self.filter(first_day__lte=day, last_day__gte=day)


class Outcome(models.TextChoices):
    CONTACTED = "contacted", "Contacted the patient"
    ADVISED_STOP = "advised_stop", "Advised to stop"
    NO_ACTION = "no_action", "Reviewed, no action"
    OTHER = "other", "Other"


class Alert(models.Model):
    """One episode of one rule for one patient: the consecutive logged days that met it
    (core/episodes.py), or one course finding such as a mood check (`source`)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alerts")
    first_day = models.DateField("first day")
    last_day = models.DateField("last day")
    days = models.PositiveSmallIntegerField(default=1)
    # What raised an alert that is not about diary entries: "mood-check:<id>", "pregnancy-test:<id>",
    # "test-due:<date>". Empty for entry alerts.
    source = models.CharField(max_length=60, blank=True)
    rule_code = models.SlugField(max_length=40)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    level = models.PositiveSmallIntegerField(editable=False)
    # Who the finding is for, copied from its rule when raised (Rule.notify_for), so that a change
    # to the rule applies to new findings only.
    notify = models.CharField("who is told", max_length=10, choices=Notify.choices, default=Notify.DIGEST)
    message = models.CharField(max_length=300)
    advice = models.CharField(max_length=500)
    detail = models.CharField("latest value", max_length=300, blank=True)
    # The symptom codes of a red-flag or pregnancy-risk episode, for the advice shown for each sign.
    # Nullable so that SQLite adds the column in place (a rebuilt table would lose its triggers).
    signs = models.JSONField("signs reported", null=True, blank=True)
    worst = models.CharField("worst value", max_length=300, blank=True)
    learn_url = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True, validators=[MaxLengthValidator(NOTES_MAX_LENGTH)])
    # Set by send_notifications: when the alert was taken into an e-mail (claimed, so that no
    # other run takes it), when that e-mail was delivered, and when it was escalated.
    email_queued_at = models.DateTimeField("e-mail queued", null=True, blank=True)
    emailed_at = models.DateTimeField("clinician e-mailed", null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

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
    def days_label(self) -> str:
        """"November 14, 2026" or "November 14 to November 23, 2026 (10 days)"."""
        return day_range_label(self.first_day, self.last_day, self.days)


class Notification(models.Model):
    """An e-mail send_notifications sent (or is sending) about alerts: to whom, which, when."""

    class Kind(models.TextChoices):
        URGENT = "urgent", "New urgent alert"
        DIGEST = "digest", "Daily digest"
        ESCALATION = "escalation", "Escalation"

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


# --- Course tracking ----------------------------------------------------------------------------

PHQ_ANSWER = [MinValueValidator(0), MaxValueValidator(3)]


class MoodCheck(models.Model):
    """A PHQ-2 screen, completed to the PHQ-9 when the PHQ-2 total is 3 or more."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="mood_checks")
    date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    q1 = models.PositiveSmallIntegerField(validators=PHQ_ANSWER)
    q2 = models.PositiveSmallIntegerField(validators=PHQ_ANSWER)
    q3 = models.PositiveSmallIntegerField(null=True, blank=True, validators=PHQ_ANSWER)
    q4 = models.PositiveSmallIntegerField(null=True, blank=True, validators=PHQ_ANSWER)
    q5 = models.PositiveSmallIntegerField(null=True, blank=True, validators=PHQ_ANSWER)
    q6 = models.PositiveSmallIntegerField(null=True, blank=True, validators=PHQ_ANSWER)
    q7 = models.PositiveSmallIntegerField(null=True, blank=True, validators=PHQ_ANSWER)
    q8 = models.PositiveSmallIntegerField(null=True, blank=True, validators=PHQ_ANSWER)
    q9 = models.PositiveSmallIntegerField(null=True, blank=True, validators=PHQ_ANSWER)
    total = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=30)

    objects = ClinicianScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"q{i}__lte": 3}) | Q(**{f"q{i}__isnull": True}), name=f"moodcheck_q{i}_0_3"
            )
            for i in range(1, 10)
        ] + [models.CheckConstraint(condition=Q(total__lte=27), name="moodcheck_total_0_27")]

    def __str__(self) -> str:
        return f"{self.patient} · {self.date.isoformat()} · {self.total}"

    @property
    def is_phq9(self) -> bool:
        return self.q9 is not None


class PregnancyTest(models.Model):
    class Result(models.TextChoices):
        NEGATIVE = "negative", "Negative"
        POSITIVE = "positive", "Positive"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="pregnancy_tests")
    date = models.DateField()
    result = models.CharField(max_length=10, choices=Result.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicianScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="one_pregnancy_test_a_day"),
            models.CheckConstraint(condition=Q(result__in=["negative", "positive"]), name="pregnancy_test_result"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · {self.date.isoformat()} · {self.result}"


class Reminder(models.Model):
    """A reminder, recorded before it is sent so that a cron job every 15 minutes never sends it twice.

    A daily reminder is first written unclaimed (due); a run takes a batch by a conditional UPDATE of
    `claim`, commits, sends outside any transaction, then records `sent_at`, or gives the claim back
    when the push service failed for a reason worth another try (see core/reminders.py)."""

    class Channel(models.TextChoices):
        PUSH = "push", "Push"
        EMAIL = "email", "E-mail"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)
    for_date = models.DateField()
    claim = models.CharField(max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient", "kind", "for_date"], name="one_reminder")]
        indexes = [models.Index(fields=["sent_at", "claimed_at"], name="reminder_unsent")]

    def __str__(self) -> str:
        return f"{self.kind} reminder for {self.for_date.isoformat()}"


class RateCount(models.Model):
    """How many times one client address did one rate-limited thing (sign-up, a password reset) in
    one window of time (core/ratelimit.py). In the database, as django-axes keeps its failures, so
    that every worker and server counts together. Rows go once their window is over."""

    action = models.CharField(max_length=20)
    client = models.CharField(max_length=64)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "client", "window_start"], name="one_rate_count")]

    def __str__(self) -> str:
        return f"{self.action} from {self.client}: {self.count}"


class PushSubscription(models.Model):
    """A browser that asked for reminders by Web Push: where to send them (the push service's
    endpoint) and the keys to encrypt them with, as PushSubscription.toJSON() gave them."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=50)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"push subscription {self.pk}"
