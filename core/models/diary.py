"""The daily diary: one entry a day (dryness, mood, sun, red-flag signs) and the choices it offers."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models, router
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import rules
from .patients import NOTES_MAX_LENGTH, ClinicianScopedQuerySet, Patient


class Sunburn(models.TextChoices):
    NONE = "none", pgettext_lazy("sunburn", "None")
    MILD = "mild", _("Mild (red, sore)")
    BLISTERING = "blistering", _("Blistering")


class Unusual(models.TextChoices):
    """The entry's answer to "Anything unusual today?". Blank on entries from before the question."""

    YES = "yes", _("Yes")
    NO = "no", _("No")


class Symptom(models.TextChoices):
    """Red-flag symptoms: the signs the Medication Guide says need a call to the doctor. Most are its
    "stop taking isotretinoin and call your doctor right away" signs; for fainting or feeling weak and
    for being very thirsty or urinating a lot it says to call or tell your doctor (not to stop), and for
    an allergic reaction to get emergency help. Every one raises the urgent red-flag rule, and the
    finding gives each sign's own advice (SIGN_ADVICE). The codes are stored in diary entries and name
    anchors on /learn/warning-signs/: never rename one, only add. The last two (PREGNANCY_SIGNS) are
    not red flags: they raise pregnancy-risk, and only a patient who can become pregnant is asked."""

    HEADACHE_VISION = "headache_vision", _("Bad headache, blurred vision, dizziness, nausea or vomiting")
    VISION = "vision", _("Any change in your vision, or eye pain")
    PAINFUL_DRY_EYES = "painful_dry_eyes", _("Dry eyes that are painful or there all the time")
    HEARING = "hearing", _("Hearing loss or ringing in the ears")
    SEIZURE = "seizure", _("A seizure (convulsion)")
    STROKE_SIGNS = "stroke_signs", _("Slurred speech, or weakness or numbness on one side of the body")
    FAINTING_HEARTBEAT = "fainting_heartbeat", _("Fainting, or feeling very weak")
    ABDOMINAL_PAIN = "abdominal_pain", _("Severe stomach, chest or bowel pain")
    SWALLOWING_HEARTBURN = "swallowing_heartburn", _("Trouble or pain swallowing, or new or worse heartburn")
    BOWEL_BLEEDING = "bowel_bleeding", _("Diarrhea, or bleeding from the rectum")
    JAUNDICE = "jaundice", _("Yellow skin or eyes, or dark urine")
    THIRST_URINATION = "thirst_urination", _("Being very thirsty or urinating a lot")
    SKIN_REACTION = (
        "skin_reaction",
        _("Rash with fever, blisters, peeling skin, red or inflamed eyes (pink eye), or sores in the mouth, throat, "
          "nose or eyes"),
    )
    LEG_BRUISES = "leg_bruises", _("Bruises or red patches on your legs")
    ALLERGIC_REACTION = "allergic_reaction", _("Hives, a swollen face or mouth, or trouble breathing")
    MUSCLE_WEAKNESS = "muscle_weakness", _("Muscle weakness, with or without pain")
    HALLUCINATIONS = (
        "hallucinations",
        _("Seeing or hearing things that are not real, or feeling more angry or aggressive than usual"),
    )
    SELF_HARM = "self_harm", _("Thoughts of harming or killing yourself")
    # Asked only of a patient who can become pregnant (core.forms.EntryForm); they raise the
    # pregnancy-risk rule, not red-flag.
    MISSED_PERIOD = "missed_period", _("I missed my period")
    UNPROTECTED_SEX = "unprotected_sex", _("I had sex without using two forms of birth control")


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
    (_("Head, eyes and ears"), [Symptom.HEADACHE_VISION, Symptom.VISION, Symptom.PAINFUL_DRY_EYES, Symptom.HEARING]),
    (_("Brain, nerves and heart"), [Symptom.SEIZURE, Symptom.STROKE_SIGNS, Symptom.FAINTING_HEARTBEAT]),
    (_("Stomach, bowel and liver"), [Symptom.ABDOMINAL_PAIN, Symptom.SWALLOWING_HEARTBURN, Symptom.BOWEL_BLEEDING,
                                  Symptom.JAUNDICE, Symptom.THIRST_URINATION]),
    (_("Skin, allergy and muscles"), [Symptom.SKIN_REACTION, Symptom.LEG_BRUISES, Symptom.ALLERGIC_REACTION,
                                   Symptom.MUSCLE_WEAKNESS]),
    (_("Mood and mind"), [Symptom.HALLUCINATIONS, Symptom.SELF_HARM]),
    (PREGNANCY_GROUP, [Symptom.MISSED_PERIOD, Symptom.UNPROTECTED_SEX]),
]
PREGNANCY_SIGNS = rules.PREGNANCY_SIGNS  # MISSED_PERIOD and UNPROTECTED_SEX


# --- Diary ------------------------------------------------------------------------------------

SCALE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(10)]


def _scale_field(label, help_text) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, validators=SCALE_VALIDATORS, help_text=help_text)


def validate_symptoms(value) -> None:
    if not isinstance(value, list) or any(code not in Symptom.values for code in value):
        raise ValidationError(_("Unknown symptom."))


class DiaryEntryQuerySet(ClinicianScopedQuerySet):
    def for_patient(self, patient: Patient) -> "DiaryEntryQuerySet":
        return self.filter(patient=patient)

    def between(self, start: date, end: date) -> "DiaryEntryQuerySet":
        return self.filter(date__gte=start, date__lte=end)


class DiaryEntry(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="entries", verbose_name=_("patient"))
    date = models.DateField(_("date"))
    skin_dryness = _scale_field(_("skin dryness"), _("0 = none, 10 = worst imaginable"))
    lip_dryness = _scale_field(_("lip dryness"), _("0 = none, 10 = worst imaginable"))
    eye_dryness = _scale_field(_("eye dryness"), _("0 = none, 10 = worst imaginable"))
    mood = _scale_field(_("mood"), _("0 = worst, 10 = best"))
    sun_minutes = models.PositiveSmallIntegerField(
        _("minutes in direct sun"),
        validators=[MinValueValidator(0), MaxValueValidator(1440)],
        help_text=_("0 to 1440 (a whole day)"),
    )
    dose_mg = models.PositiveSmallIntegerField(
        _("isotretinoin taken today (mg)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200)],
        help_text=_("0 to 200 mg. Leave empty if you did not take a dose."),
    )
    sunscreen = models.BooleanField(_("I used sunscreen"), default=False)
    sunburn = models.CharField(_("sunburn"), max_length=10, choices=Sunburn.choices, default=Sunburn.NONE)
    # Blank: the entry was written before the question was asked (migration 0012). Never "no" with
    # symptoms: the entry form saves a ticked sign as "yes" whatever the answer (core/forms.py).
    anything_unusual = models.CharField(_("anything unusual today?"), max_length=3, choices=Unusual.choices,
                                        blank=True)
    symptoms = models.JSONField(default=list, blank=True, validators=[validate_symptoms])
    notes = models.TextField(_("notes"), blank=True, validators=[MaxLengthValidator(NOTES_MAX_LENGTH)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DiaryEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name_plural = _("diary entries")
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

    def validate_constraints(self, exclude=None) -> None:
        """Every constraint but the check constraints. Each of those restates a validator of its
        field, which full_clean has just run (and the database enforces it again on save); Django
        would build a query for each and, its field excluded, drop it: about 2 ms of every diary save
        (bench/RESULTS.md, 2026-12-07 evening). tests/test_models.py holds a bad value for each."""
        using = router.db_for_write(DiaryEntry, instance=self)
        errors = {}
        for constraint in DiaryEntry._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                continue
            try:
                constraint.validate(DiaryEntry, self, exclude=exclude, using=using)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @property
    def max_dryness(self) -> int:
        return max(self.skin_dryness, self.lip_dryness, self.eye_dryness)

    def symptom_labels(self) -> list[str]:
        return [Symptom(code).label for code in self.symptoms if code in Symptom.values]
