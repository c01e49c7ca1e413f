"""The isotretinoin course, in plain values: cumulative dose and the pregnancy-test calendar.

No database here; views and services pass in what they read."""

import calendar
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .rules import worded

# iPLEDGE: a prescription is collected within a 7-day window that starts on the day the
# pregnancy-test sample is taken (day 1), so its last day is the test day + 6.
PRESCRIPTION_WINDOW_DAYS = 7
# Before the course: a screening test, then a confirmation test at least 19 days after it
# (prescribing information, section 5.1), so that two tests a day apart never count as both.
CONFIRMATION_TEST_MIN_DAYS = 19


def add_days(day: date, days: int) -> date:
    """`day` plus `days`, held to the calendar Python can hold (1 to 9999): a stored date from before
    the forms checked the range (a two-digit year, 9999-12-31) must not make a page fail."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def add_months(day: date, months: int = 1) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan → 28/29 Feb);
    held to 1 to 9999 as add_days is."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if not date.min.year <= year <= date.max.year:
        return date.max if months > 0 else date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Cumulative dose ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseSummary:
    total_mg: int
    days: int
    weight_kg: Decimal | None
    target_low: int
    target_high: int
    mg_per_kg: float | None
    average_daily_mg_per_kg: float | None
    projected_date: date | None
    reached: bool

    @property
    def percent_of_target(self) -> int | None:
        if self.mg_per_kg is None:
            return None
        return min(100, round(100 * self.mg_per_kg / self.target_low))


def dose_summary(
    doses: Iterable[int | None], *, course_start: date | None, today: date, weight_kg: Decimal | None,
    target_low: int, target_high: int,
) -> DoseSummary:
    """Cumulative dose over the course so far. A day without a recorded dose counts as none taken."""
    total = sum(d for d in doses if d)
    days = max(0, (today - course_start).days + 1) if course_start else 0
    mg_per_kg = total / float(weight_kg) if weight_kg else None
    average = mg_per_kg / days if mg_per_kg is not None and days else None
    projected, reached = None, False
    if mg_per_kg is not None:
        remaining_mg = target_low * float(weight_kg) - total
        reached = remaining_mg <= 0
        pace = total / days if days else 0
        if not reached and pace > 0:
            # Beyond the calendar (a course start stored centuries ago makes the pace tiny): no date.
            projected = add_days(today, math.ceil(remaining_mg / pace))
            projected = None if projected == date.max else projected
    return DoseSummary(total, days, weight_kg, target_low, target_high, mg_per_kg, average, projected, reached)


# --- Pregnancy tests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TestDue:
    due: date
    reason: str  # lazy: in the language active where it is read or stored (services.in_languages)
    # The course start passed without the two tests iPLEDGE asks for before the first prescription.
    missing_before_course: bool = False

    def missed(self, today: date) -> bool:
        return self.due < today


def _before_course(before: list[date], course_start: date | None, today: date) -> TestDue | None:
    """The screening or confirmation test still to do, given the negative tests up to the course start."""
    if not before:
        # Early enough for the second test to fit before the start; today when no start is set.
        return TestDue(add_days(course_start, -CONFIRMATION_TEST_MIN_DAYS) if course_start else today,
                       _("first test before you start, in a medical setting"))
    confirmation = add_days(before[0], CONFIRMATION_TEST_MIN_DAYS)
    if before[-1] < confirmation:
        # The earliest day for it; with no start set yet it is not overdue.
        return TestDue(confirmation if course_start else max(confirmation, today),
                       worded(_("second test before you start, at least %(days)s days after the first, in a "
                                "medical setting"), days=CONFIRMATION_TEST_MIN_DAYS))
    return None


def next_pregnancy_test(
    tests: Iterable[date], *, course_start: date | None, course_end: date | None, today: date
) -> TestDue | None:
    """The next pregnancy test iPLEDGE asks for, given the dates of the negative tests: before the
    course a screening test and a confirmation test at least 19 days later; one a month during the
    course; one a month after the last dose. None when all are done.

    A course start that passes without the two tests before it is said as such (overdue since the
    start at the latest), not taken for a course under way: until a test is logged after the start,
    the missing test stays due."""
    tests = sorted(tests)
    before = [t for t in tests if course_start is None or t <= course_start]
    missing = _before_course(before, course_start, today)
    if course_start is None or (missing is not None and today <= course_start):
        return missing
    if missing is not None and not any(t > course_start for t in tests):
        reason = worded(_("%(reason)s: your course start has passed without it"), reason=missing.reason)
        return TestDue(min(missing.due, course_start), reason, missing_before_course=True)
    last = tests[-1] if tests else course_start
    if course_end is None or last < course_end:
        monthly = add_months(last, 1)
        if course_end is None or monthly <= course_end:
            return TestDue(monthly, _("monthly test during the course"))
    one_month_after = add_months(course_end, 1)
    if last < one_month_after:
        return TestDue(one_month_after, _("one month after your last dose"))
    return None


def prescription_deadline(tests: Iterable[tuple[date, bool]], *, course_start: date | None) -> date | None:
    """The last day to collect a prescription (the test day is day 1 of the 7-day window), from the
    patient's tests as (date, negative). None when no test opens a window: after a positive test;
    after a screening test alone (the first prescription's window counts from the confirmation test,
    at least 19 days after it); or when no negative test is logged."""
    tests = sorted(tests)
    negatives = [day for day, negative in tests if negative]
    if not negatives or not tests[-1][1]:
        return None
    last = negatives[-1]
    during_course = course_start is not None and last > course_start
    confirmation = last >= add_days(negatives[0], CONFIRMATION_TEST_MIN_DAYS)
    if not (during_course or confirmation):
        return None
    return add_days(last, PRESCRIPTION_WINDOW_DAYS - 1)


def contraception_until(course_end: date | None) -> date | None:
    """Contraception continues until one month after the last dose."""
    return add_months(course_end, 1) if course_end else None


# --- PHQ-2 / PHQ-9 ------------------------------------------------------------------------------

# The instrument stays word for word in English in every language (issue 25): its published Spanish
# version for the US must be used word for word or not at all, and its text was not at hand. Not
# marked for translation on purpose; MoodCheckForm.english_note says so to a patient reading Spanish.
PHQ_STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
PHQ_ANSWERS = [(0, "Not at all"), (1, "Several days"), (2, "More than half the days"), (3, "Nearly every day")]
# The standard PHQ-9 items (Kroenke, Spitzer & Williams 2001); items 1 and 2 are the PHQ-2.
PHQ_ITEMS = [
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety "
    "or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
]
PHQ2_POSITIVE = 3
PHQ9_BANDS = [(4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately severe"), (27, "severe")]


# What a patient reads for a stored band (MoodCheck.band stays English: the clinician's record).
BAND_LABELS = {
    "minimal": _("minimal"), "mild": _("mild"), "moderate": _("moderate"),
    "moderately severe": _("moderately severe"), "severe": _("severe"),
    "PHQ-2 positive": _("PHQ-2 positive"), "PHQ-2 negative": _("PHQ-2 negative"),
}


def band_label(band: str) -> str:
    return str(BAND_LABELS.get(band, band))


def phq9_band(total: int) -> str:
    return next(band for limit, band in PHQ9_BANDS if total <= limit)


def phq_band(answers: list[int | None]) -> str:
    """The severity band of a completed PHQ-9, or the PHQ-2 result when only items 1–2 were asked."""
    if any(a is None for a in answers[2:]):
        return "PHQ-2 positive" if answers[0] + answers[1] >= PHQ2_POSITIVE else "PHQ-2 negative"
    return phq9_band(sum(answers))


# The bands as an alert's detail words them (MoodCheck.band stores the English).
PHQ9_BAND_NAMES = {"minimal": _("minimal"), "mild": _("mild"), "moderate": _("moderate"),
                   "moderately severe": _("moderately severe"), "severe": _("severe")}


def _phq9_detail(total: int) -> str:
    return worded(_("PHQ-9 total %(total)s (%(band)s)"), total=total, band=PHQ9_BAND_NAMES[phq9_band(total)])


def phq_findings(answers: list[int | None], thresholds: dict[str, int | None]) -> list[tuple[str, str]]:
    """Which PHQ rules fire: (rule code, detail). Only a completed PHQ-9 is scored against the
    bands; item 9 counts whatever the total. A positive PHQ-2 (the patient felt down or lost
    interest on many days) always gives a finding: phq2-positive when no band rule fired."""
    positive = thresholds.get("phq2-positive")
    phq2 = answers[0] + answers[1]
    phq2_finding = ("phq2-positive", worded(_("PHQ-2 total %(total)s"), total=phq2))
    if any(a is None for a in answers[2:]):
        return [phq2_finding] if positive is not None and phq2 >= positive else []
    total = sum(answers)
    moderate, severe, item9 = (thresholds.get(code) for code in ("phq9-moderate", "phq9-severe", "phq9-item9"))
    findings = []
    if severe is not None and total >= severe:
        findings.append(("phq9-severe", _phq9_detail(total)))
    elif moderate is not None and total >= moderate:
        findings.append(("phq9-moderate", _phq9_detail(total)))
    if positive is not None and phq2 >= positive and not findings:
        findings.append(phq2_finding)
    if item9 is not None and answers[8] >= item9:
        findings.append(("phq9-item9", worded(_("PHQ-9 item 9 answered %(answer)s"), answer=answers[8])))
    return findings
