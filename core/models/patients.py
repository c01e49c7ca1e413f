"""Patients: the record of one person taking isotretinoin, and who may see it (clinicians)."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CLINICIANS_GROUP = "Clinicians"
NOTES_MAX_LENGTH = 2000


class Language(models.TextChoices):
    # Each language named in itself, as a language menu shows it.
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


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
        raise ValidationError(_("Choose a time zone from the list, e.g. Europe/London.")) from None


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
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient",
                                verbose_name=_("user"))
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    time_zone = models.CharField(max_length=64, default=default_time_zone, validators=[validate_time_zone])
    course_start = models.DateField(_("course start"), null=True, blank=True)
    daily_dose_mg = models.PositiveSmallIntegerField(
        _("daily dose (mg)"), null=True, blank=True, validators=[MaxValueValidator(200)]
    )
    # Stored in kilograms whatever unit the patient types (two decimals, so that a weight typed in
    # pounds to 0.1 lb reads back the same); shown in their weight_unit.
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(20), MaxValueValidator(300)],
    )
    weight_unit = models.CharField(
        _("weight unit"), max_length=2, choices=WeightUnit.choices, default=WeightUnit.POUNDS,
    )
    course_end = models.DateField(
        _("course end"), null=True, blank=True, help_text=_("The planned (or actual) day of the last dose.")
    )
    reminder_time = models.TimeField(
        _("daily reminder at"),
        null=True,
        blank=True,
        help_text=_("The time of day (your time zone) to remind you if you have not written that day's entry. "
                    "Empty: no reminder."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH,
        help_text=_("The language of your pages, e-mails and reminders."),
    )
    # Set by the clinician.
    can_become_pregnant = models.BooleanField(_("can become pregnant"), default=False)
    target_low_mg_per_kg = models.PositiveSmallIntegerField(
        _("cumulative target from (mg/kg)"), default=120, validators=[MinValueValidator(1), MaxValueValidator(400)]
    )
    target_high_mg_per_kg = models.PositiveSmallIntegerField(
        _("cumulative target to (mg/kg)"), default=150, validators=[MinValueValidator(1), MaxValueValidator(400)]
    )
    contraception_primary = models.CharField(_("first form of contraception"), max_length=100, blank=True)
    contraception_secondary = models.CharField(_("second form of contraception"), max_length=100, blank=True)
    clinicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clinicians"),
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
