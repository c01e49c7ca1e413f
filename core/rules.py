"""Warning rules, evaluated on plain values: no database, no request.

`evaluate(day, history, settings)` takes one diary day, the patient's days around it and the
rule settings in force for that patient (defaults from the Rule table, clinician overrides applied),
and returns the findings. Each rule code maps to one small check function; the numbers it compares
against come from the settings, so a threshold change needs no code change.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

SELF_HARM = "self_harm"
MOOD_DROP_MIN_PRIOR_ENTRIES = 3
MOOD_DROP_DAYS_BEFORE = 7


@dataclass(frozen=True)
class Day:
    date: date
    skin_dryness: int
    lip_dryness: int
    eye_dryness: int
    mood: int
    sun_minutes: int
    sunscreen: bool
    sunburn: str
    symptoms: frozenset[str] = frozenset()

    @property
    def max_dryness(self) -> int:
        return max(self.skin_dryness, self.lip_dryness, self.eye_dryness)


@dataclass(frozen=True)
class RuleSetting:
    code: str
    severity: str
    threshold: int | None = None
    run_days: int | None = None
    enabled: bool = True


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    detail: str
    anchors: tuple[str, ...] = field(default=())
    # How bad the day was for this rule, higher is worse: an episode's worst day is its highest.
    score: int = 0


# Rules whose finding on one day depends on the entries of other days.
DEPENDS_ON_OTHER_DAYS = {"dryness-persistent", "mood-persistent-low", "mood-drop"}

Check = Callable[[Day, Mapping[date, Day], RuleSetting], Finding | None]
CHECKS: dict[str, Check] = {}

# The thresholds each rule can take, on the scale of the value it compares (issue 20: no negative or
# out-of-scale threshold, in the rule admin or a per-patient override). Rules not listed take none.
THRESHOLD_RANGES: dict[str, tuple[int, int]] = {
    "dryness-high": (0, 10),  # the 0-10 dryness scales
    "dryness-persistent": (0, 10),
    "mood-low": (0, 10),  # the 0-10 mood scale
    "mood-persistent-low": (0, 10),
    "mood-drop": (1, 10),  # points below the week's average: a drop is at least 1
    "sun-unprotected": (0, 1440),  # minutes in a day
    "phq9-moderate": (0, 27),  # PHQ-9 totals
    "phq9-severe": (0, 27),
    "phq9-item9": (0, 3),  # one PHQ item's answer
}


def threshold_error(code: str, threshold: int | None) -> str | None:
    """Why `threshold` is outside what rule `code` can compare (None when it is not, or is empty)."""
    if threshold is None:
        return None
    if code not in THRESHOLD_RANGES:
        return "This rule has no threshold: leave this empty."
    low, high = THRESHOLD_RANGES[code]
    if not low <= threshold <= high:
        return f"Choose a threshold from {low} to {high} for this rule."
    return None


def check(code: str) -> Callable[[Check], Check]:
    def register(func: Check) -> Check:
        CHECKS[code] = func
        return func

    return register


def window(settings: Mapping[str, RuleSetting]) -> tuple[int, int]:
    """How many days before and after an entry's date the enabled rules need to look at."""
    runs = [s.run_days or 1 for s in settings.values() if s.enabled]
    longest = max(runs, default=1)
    return max(MOOD_DROP_DAYS_BEFORE, longest - 1), longest - 1


def evaluate(day: Day, history: Iterable[Day], settings: Mapping[str, RuleSetting]) -> list[Finding]:
    by_date = {d.date: d for d in history if d.date != day.date}
    by_date[day.date] = day
    return evaluate_on(day, by_date, settings)


def evaluate_on(day: Day, by_date: Mapping[date, Day], settings: Mapping[str, RuleSetting]) -> list[Finding]:
    """evaluate() for callers that evaluate many days of one mapping (built once, not per day)."""
    findings = []
    for code, func in CHECKS.items():
        setting = settings.get(code)
        if setting is None or not setting.enabled:
            continue
        finding = func(day, by_date, setting)
        if finding is not None:
            findings.append(finding)
    return findings


def nearby(on: date, offsets: Iterable[int]) -> list[date]:
    """The days at these offsets from `on` that the calendar holds (years 1 to 9999): an entry stored
    before the forms checked dates may sit at its edge, and a day past it has no entry anyway."""
    days = []
    for offset in offsets:
        try:
            days.append(on + timedelta(days=offset))
        except OverflowError:
            pass
    return days


def in_run(on: date, by_date: Mapping[date, Day], length: int, holds: Callable[[Day], bool]) -> bool:
    """True when `holds` is true on every day of some run of `length` consecutive days that
    includes `on`. A day without an entry breaks the run."""
    for first in range(length):
        days = [by_date.get(d) for d in nearby(on, range(-first, length - first))]
        if len(days) == length and all(d is not None and holds(d) for d in days):
            return True
    return False


def _dryness_detail(day: Day, threshold: int) -> str:
    parts = [
        f"{name} dryness {value}"
        for name, value in (("skin", day.skin_dryness), ("lip", day.lip_dryness), ("eye", day.eye_dryness))
        if value >= threshold
    ]
    return ", ".join(parts)


@check("dryness-high")
def dryness_high(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    if day.max_dryness >= s.threshold:
        return Finding(s.code, s.severity, _dryness_detail(day, s.threshold), score=day.max_dryness)
    return None


@check("dryness-persistent")
def dryness_persistent(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    run = s.run_days or 3
    if in_run(day.date, by_date, run, lambda d: d.max_dryness >= s.threshold):
        # The day's own values: an episode's days and dates say how long it has lasted.
        return Finding(s.code, s.severity, _dryness_detail(day, s.threshold), score=day.max_dryness)
    return None


@check("mood-low")
def mood_low(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    if day.mood <= s.threshold:
        return Finding(s.code, s.severity, f"mood {day.mood}", score=10 - day.mood)
    return None


@check("mood-persistent-low")
def mood_persistent_low(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    run = s.run_days or 3
    if in_run(day.date, by_date, run, lambda d: d.mood <= s.threshold):
        return Finding(s.code, s.severity, f"mood {day.mood}", score=10 - day.mood)
    return None


@check("mood-drop")
def mood_drop(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    prior = [by_date[d].mood for d in nearby(day.date, range(-MOOD_DROP_DAYS_BEFORE, 0)) if d in by_date]
    if len(prior) < MOOD_DROP_MIN_PRIOR_ENTRIES:
        return None
    mean = sum(prior) / len(prior)
    if mean - day.mood >= s.threshold:
        return Finding(s.code, s.severity, f"mood {day.mood}, against an average of {mean:.1f} in the week before",
                       score=10 - day.mood)
    return None


@check("sun-unprotected")
def sun_unprotected(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    if day.sun_minutes >= s.threshold and not day.sunscreen:
        return Finding(s.code, s.severity, f"{day.sun_minutes} minutes in the sun without sunscreen",
                       score=day.sun_minutes)
    return None


@check("sunburn")
def sunburn(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    if day.sunburn == "mild":
        return Finding(s.code, s.severity, "mild sunburn")
    return None


@check("sunburn-blistering")
def sunburn_blistering(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    if day.sunburn == "blistering":
        return Finding(s.code, s.severity, "blistering sunburn")
    return None


@check("red-flag")
def red_flag(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    ticked = tuple(sorted(day.symptoms - {SELF_HARM}))
    if ticked:
        return Finding(s.code, s.severity, "reported: " + ", ".join(ticked), anchors=ticked, score=len(ticked))
    return None


@check("self-harm")
def self_harm(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    if SELF_HARM in day.symptoms:
        return Finding(s.code, s.severity, "thoughts of self-harm reported", anchors=(SELF_HARM,))
    return None
