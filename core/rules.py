"""Warning rules, evaluated on plain values: no database, no request.

`evaluate(day, history, settings)` takes one diary day, the patient's days around it and the
rule settings in force for that patient (defaults from the Rule table, clinician overrides applied),
and returns the findings. Each rule code maps to one small check function; the numbers it compares
against come from the settings, so a threshold change needs no code change.

A finding's `detail` is worded lazily, in the language active when it is read: services store it in
English and in Spanish from one evaluation.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SELF_HARM = "self_harm"
# Asked only of a patient who can become pregnant; they raise pregnancy-risk, not red-flag.
PREGNANCY_SIGNS = frozenset({"missed_period", "unprotected_sex"})
MOOD_DROP_MIN_PRIOR_ENTRIES = 3
MOOD_DROP_DAYS_BEFORE = 7
# The days in a row a run rule (e.g. dryness-persistent) needs when neither the rule nor an override
# sets run_days: the checks and the window of days they read both use it.
DEFAULT_RUN_DAYS = 3
RUN_RULES = {"dryness-persistent", "mood-persistent-low"}


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
    "phq2-positive": (0, 6),  # PHQ-2 totals
}


def threshold_error(code: str, threshold: int | None) -> str | None:
    """Why `threshold` is outside what rule `code` can compare (None when it is not, or is empty)."""
    if threshold is None:
        return None
    if code not in THRESHOLD_RANGES:
        return gettext("This rule has no threshold: leave this empty.")
    low, high = THRESHOLD_RANGES[code]
    if not low <= threshold <= high:
        return gettext("Choose a threshold from %(low)s to %(high)s for this rule.") % {"low": low, "high": high}
    return None


def _worded(text: str, **params) -> str:
    return str(text) % params


# worded(_("mood %(mood)s"), mood=2): "mood 2", or "ánimo 2" where Spanish is active when it is read.
worded = lazy(_worded, str)


def check(code: str) -> Callable[[Check], Check]:
    def register(func: Check) -> Check:
        CHECKS[code] = func
        return func

    return register


def window(settings: Mapping[str, RuleSetting]) -> tuple[int, int]:
    """How many days before and after an entry's date the enabled rules need to look at."""
    runs = [run_length(s) for s in settings.values() if s.enabled and s.code in RUN_RULES]
    longest = max(runs, default=1)
    return max(MOOD_DROP_DAYS_BEFORE, longest - 1), longest - 1


def run_length(s: RuleSetting) -> int:
    """The days in a row a run rule needs."""
    return s.run_days or DEFAULT_RUN_DAYS


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


def _dryness_text(day: Day, threshold: int) -> str:
    names = ((_("skin dryness %(value)s"), day.skin_dryness), (_("lip dryness %(value)s"), day.lip_dryness),
             (_("eye dryness %(value)s"), day.eye_dryness))
    return ", ".join(str(name) % {"value": value} for name, value in names if value >= threshold)


_dryness_detail = lazy(_dryness_text, str)


@check("dryness-high")
def dryness_high(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    if day.max_dryness >= s.threshold:
        return Finding(s.code, s.severity, _dryness_detail(day, s.threshold), score=day.max_dryness)
    return None


@check("dryness-persistent")
def dryness_persistent(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    run = run_length(s)
    if in_run(day.date, by_date, run, lambda d: d.max_dryness >= s.threshold):
        # The day's own values: an episode's days and dates say how long it has lasted.
        return Finding(s.code, s.severity, _dryness_detail(day, s.threshold), score=day.max_dryness)
    return None


@check("mood-low")
def mood_low(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    if day.mood <= s.threshold:
        return Finding(s.code, s.severity, worded(_("mood %(mood)s"), mood=day.mood), score=10 - day.mood)
    return None


@check("mood-persistent-low")
def mood_persistent_low(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    run = run_length(s)
    if in_run(day.date, by_date, run, lambda d: d.mood <= s.threshold):
        return Finding(s.code, s.severity, worded(_("mood %(mood)s"), mood=day.mood), score=10 - day.mood)
    return None


@check("mood-drop")
def mood_drop(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    prior = [by_date[d].mood for d in nearby(day.date, range(-MOOD_DROP_DAYS_BEFORE, 0)) if d in by_date]
    if len(prior) < MOOD_DROP_MIN_PRIOR_ENTRIES:
        return None
    mean = sum(prior) / len(prior)
    if mean - day.mood >= s.threshold:
        detail = worded(_("mood %(mood)s, against an average of %(mean).1f in the week before"), mood=day.mood,
                        mean=mean)
        return Finding(s.code, s.severity, detail, score=10 - day.mood)
    return None


@check("sun-unprotected")
def sun_unprotected(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    if day.sun_minutes >= s.threshold and not day.sunscreen:
        detail = worded(_("%(minutes)s minutes in the sun without sunscreen"), minutes=day.sun_minutes)
        return Finding(s.code, s.severity, detail, score=day.sun_minutes)
    return None


@check("sunburn")
def sunburn(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    if day.sunburn == "mild":
        return Finding(s.code, s.severity, worded(_("mild sunburn")))
    return None


@check("sunburn-blistering")
def sunburn_blistering(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    if day.sunburn == "blistering":
        return Finding(s.code, s.severity, worded(_("blistering sunburn")))
    return None


@check("red-flag")
def red_flag(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    ticked = tuple(sorted(day.symptoms - {SELF_HARM} - PREGNANCY_SIGNS))
    if ticked:
        return Finding(s.code, s.severity, "reported: " + ", ".join(ticked), anchors=ticked, score=len(ticked))
    return None


@check("self-harm")
def self_harm(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    if SELF_HARM in day.symptoms:
        return Finding(s.code, s.severity, worded(_("thoughts of self-harm reported")), anchors=(SELF_HARM,))
    return None


@check("pregnancy-risk")
def pregnancy_risk(day: Day, by_date: Mapping[date, Day], s: RuleSetting) -> Finding | None:
    ticked = tuple(sorted(day.symptoms & PREGNANCY_SIGNS))
    if ticked:
        return Finding(s.code, s.severity, "reported: " + ", ".join(ticked), anchors=ticked, score=len(ticked))
    return None


# --- One rule for severity ------------------------------------------------------------------------

SEVERITY_ORDER = ["info", "warning", "urgent"]


def _sentences(advice: str) -> list[str]:
    return [s.strip().lower() for s in re.split(r"(?<=[.!?])\s+", advice) if s.strip()]


def minimum_severity(advice: str) -> str:
    """The least severity a finding may have for the advice it gives: urgent when the advice itself
    says to stop taking isotretinoin (a sentence that does not start with a condition, such as "If
    your eyes hurt, stop…"), at least a warning when it says to call or tell the prescriber or 911."""
    sentences = _sentences(advice)
    if any("stop taking isotretinoin" in s and not s.startswith("if ") for s in sentences):
        return "urgent"
    if any(word in s for s in sentences for word in ("call", "tell your prescriber", "contact your prescriber")):
        return "warning"
    return "info"


def severity_fits(severity: str, advice: str, least: Callable[[str], str] | None = None) -> bool:
    """Whether `severity` is at least what `advice` calls for (`least`: how to read it; English by default)."""
    return SEVERITY_ORDER.index(severity) >= SEVERITY_ORDER.index((least or minimum_severity)(advice))


# The same reading of the Spanish advice (the glossary's wording: "Deje de tomar isotretinoína y llame
# de inmediato al médico que se la receta"). Severity is decided on the English advice, the source; the
# Spanish may not say less than it, so a translation can never weaken a rule.
# "Deje de tomar (la) isotretinoína", not after a "no" or "nunca" ("No deje de tomar…" says the opposite).
STOP_ES = re.compile(r"(?<!\bno )(?<!\bnunca )\bdeje de tomar (?:la )?isotretinoína")
CALL_ES = ("llame", "dígale a su médico", "comuníquese con su médico")


def minimum_severity_es(advice_es: str) -> str:
    sentences = _sentences(advice_es)
    if any(STOP_ES.search(s) and not s.startswith("si ") for s in sentences):
        return "urgent"
    if any(word in s for s in sentences for word in CALL_ES):
        return "warning"
    return "info"


def spanish_advice_error(advice: str, advice_es: str) -> str | None:
    """Why the Spanish advice says less than the English one (None when it does not)."""
    least = minimum_severity(advice)
    if SEVERITY_ORDER.index(minimum_severity_es(advice_es)) >= SEVERITY_ORDER.index(least):
        return None
    if least == "urgent":
        return gettext('The English advice tells the patient to stop taking isotretinoin: the Spanish must say so '
                       'too, in a sentence that does not start with a condition ("Deje de tomar isotretinoína…").')
    return gettext('The English advice tells the patient to call: the Spanish must say so too ("llame…").')
