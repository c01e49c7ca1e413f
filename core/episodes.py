"""Episodes: the days on which one rule holds for one patient, grouped into one alert.

Plain values in, episodes out: no database, no request (services.py reads and writes the rows).

- Consecutive logged days that meet a rule are one episode: first day, last day, number of days,
  worst and latest value.
- A day without an entry does not end an episode; a logged day that does not meet the rule does.
- A run rule and its single-day rule (dryness-persistent and dryness-high, mood-persistent-low and
  mood-low) never both stand for the same day: the stronger severity stands, and on equal severity
  the run rule, which says more. So an urgent finding is never folded into a warning.
- An acknowledged episode is frozen: it keeps the days the clinician saw. A day that continues it
  (or a day logged just before it) opens a new episode, which the clinician is told about as
  usual. Extending the acknowledged one instead would put new data under an old acknowledgement
  that nobody would read; an acknowledgement is a record of what a clinician saw, so it never
  grows. The cost is at most one new open row per rule after each acknowledgement.
- An edit that splits an acknowledged episode (a day in the middle no longer meets the rule, or an
  end day is deleted) leaves the acknowledgement with its first remaining part, and the frozen
  days become that part alone: the later parts are open days like any other and group with the
  days that follow them. Otherwise the old end of the acknowledged span would keep splitting days
  that no acknowledged episode holds any more.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .rules import Finding

LEVEL = {"info": 1, "warning": 2, "urgent": 3}
# A run rule and the single-day rule it overlaps.
RUN_RULES = {"dryness-persistent": "dryness-high", "mood-persistent-low": "mood-low"}


@dataclass(frozen=True)
class Episode:
    code: str
    severity: str
    first_day: date
    last_day: date
    days: int
    worst: str
    latest: str
    anchors: tuple[str, ...] = ()
    worst_anchors: tuple[str, ...] = ()


def strongest(findings: Iterable[Finding]) -> list[Finding]:
    """One day's findings without the weaker of each run rule and its single-day rule."""
    findings = list(findings)
    by_code = {f.code: f for f in findings}
    weaker = set()
    for run, single in RUN_RULES.items():
        if run in by_code and single in by_code:
            run_wins = LEVEL[by_code[run].severity] >= LEVEL[by_code[single].severity]
            weaker.add(single if run_wins else run)
    return [f for f in findings if f.code not in weaker]


def _crosses(before: date, after: date, frozen: Sequence[tuple[date, date]]) -> bool:
    """True when an acknowledged interval holds exactly one of two consecutive logged days."""
    return any((first <= before <= last) != (first <= after <= last) for first, last in frozen)


def build(
    code: str,
    logged: Iterable[date],
    hits: Mapping[date, Finding],
    frozen: Sequence[tuple[date, date]] = (),
) -> list[Episode]:
    """The episodes of one rule over a span of logged days.

    `logged`: every day with an entry in the span; `hits`: the rule's finding on the days it holds
    (all of them logged); `frozen`: the first and last day of acknowledged episodes, which a run
    never crosses. An acknowledged span that the days no longer fill (an edit split or shortened
    it) stays frozen over its first remaining episode only (services._reconcile keeps the
    acknowledgement with that one): grouping again with those spans gives the same episodes."""
    logged = sorted(logged)
    episodes = _group(code, logged, hits, frozen)
    kept = []
    for first, last in frozen:
        inside = [e for e in episodes if e.first_day <= last and e.last_day >= first]
        if inside:
            kept.append((inside[0].first_day, inside[0].last_day))
    if kept != list(frozen):
        episodes = _group(code, logged, hits, kept)
    return episodes


def _group(
    code: str,
    logged: Sequence[date],
    hits: Mapping[date, Finding],
    frozen: Sequence[tuple[date, date]],
) -> list[Episode]:
    """One pass of `build`: runs of consecutive logged hits, cut at the edges of `frozen`."""
    episodes: list[Episode] = []
    run: list[Finding] = []
    run_days: list[date] = []

    def close() -> None:
        if run:
            worst = max(range(len(run)), key=lambda i: (run[i].score, i))  # ties: the latest
            latest = run[-1]
            episodes.append(Episode(
                code=code, severity=latest.severity, first_day=run_days[0], last_day=run_days[-1],
                days=len(run), worst=run[worst].detail, latest=latest.detail, anchors=latest.anchors,
                worst_anchors=run[worst].anchors,
            ))
            run.clear()
            run_days.clear()

    for day in logged:
        finding = hits.get(day)
        if finding is None or (run_days and _crosses(run_days[-1], day, frozen)):
            close()
        if finding is not None:
            run.append(finding)
            run_days.append(day)
    close()
    return episodes
