"""Course tracking: weekly mood checks (PHQ-2/PHQ-9) and pregnancy tests (iPLEDGE)."""


from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..course import BAND_LABELS
from .patients import ClinicianScopedQuerySet, Patient

# --- Course tracking ----------------------------------------------------------------------------

PHQ_ANSWER = [MinValueValidator(0), MaxValueValidator(3)]


class MoodCheck(models.Model):
    """A PHQ-2 screen, completed to the PHQ-9 when the PHQ-2 total is 3 or more."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="mood_checks",
                                verbose_name=_("patient"))
    date = models.DateField(_("date"))
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
    total = models.PositiveSmallIntegerField(_("total"))
    # Stored in English (the clinician's record); shown in the reader's language (admin list and filter).
    band = models.CharField(_("band"), max_length=30, choices=list(BAND_LABELS.items()))

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
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="pregnancy_tests",
                                verbose_name=_("patient"))
    date = models.DateField(_("date"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
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
