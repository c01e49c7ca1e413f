"""Episode grouping, without the database: days in, episodes out."""

from datetime import date, timedelta

import pytest

from core.episodes import build, strongest
from core.rules import Finding

D = date(2026, 11, 14)


def day(n: int) -> date:
    return D + timedelta(days=n)


def hit(score: int = 7, code: str = "dryness-high", severity: str = "warning") -> Finding:
    return Finding(code, severity, f"lip dryness {score}", score=score)


def spans(episodes) -> list[tuple[int, int, int]]:
    return [((e.first_day - D).days, (e.last_day - D).days, e.days) for e in episodes]


# logged days, days that meet the rule, acknowledged intervals -> (first, last, days) of each episode
CASES = [
    ("one day", [0], [0], [], [(0, 0, 1)]),
    ("nothing met", [0, 1, 2], [], [], []),
    ("consecutive days are one episode", [0, 1, 2], [0, 1, 2], [], [(0, 2, 3)]),
    ("ten days, 14-23 Nov", list(range(10)), list(range(10)), [], [(0, 9, 10)]),
    ("a missing day does not end it", [0, 1, 3], [0, 1, 3], [], [(0, 3, 3)]),
    ("a week missing does not end it", [0, 8], [0, 8], [], [(0, 8, 2)]),
    ("a logged day below the rule ends it", [0, 1, 2], [0, 2], [], [(0, 0, 1), (2, 2, 1)]),
    ("ends on the last day met", [0, 1, 2, 3], [0, 1], [], [(0, 1, 2)]),
    ("starts on the first day met", [0, 1, 2, 3], [2, 3], [], [(2, 3, 2)]),
    ("an acknowledged episode does not grow", [0, 1, 2, 3], [0, 1, 2, 3], [(0, 1)], [(0, 1, 2), (2, 3, 2)]),
    ("nor grow backwards", [0, 1, 2, 3], [0, 1, 2, 3], [(2, 3)], [(0, 1, 2), (2, 3, 2)]),
    ("acknowledged, then a missing day, then more", [0, 1, 3], [0, 1, 3], [(0, 1)], [(0, 1, 2), (3, 3, 1)]),
    ("acknowledged and nothing new", [0, 1], [0, 1], [(0, 1)], [(0, 1, 2)]),
    ("an acknowledged episode split by an edit stays frozen over its first part only",
     [0, 1, 2, 3], [0, 2, 3], [(0, 2)], [(0, 0, 1), (2, 3, 2)]),
    ("shortened at its end, it still does not grow", [0, 1, 3], [0, 1, 3], [(0, 2)], [(0, 1, 2), (3, 3, 1)]),
]


@pytest.mark.parametrize(("logged", "met", "acknowledged", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_it_groups_days_into_episodes(logged, met, acknowledged, expected):
    frozen = [(day(a), day(b)) for a, b in acknowledged]
    episodes = build("dryness-high", [day(n) for n in logged], {day(n): hit() for n in met}, frozen)
    assert spans(episodes) == expected


def test_it_keeps_the_worst_and_the_latest_value():
    scores = {0: 7, 1: 9, 2: 8}
    [episode] = build("dryness-high", [day(n) for n in scores], {day(n): hit(s) for n, s in scores.items()})
    assert (episode.worst, episode.latest) == ("lip dryness 9", "lip dryness 8")


def test_it_takes_the_latest_of_equal_worst_days():
    findings = {day(0): Finding("mood-low", "warning", "mood 2 (first)", score=8),
                day(1): Finding("mood-low", "warning", "mood 2 (second)", score=8)}
    [episode] = build("mood-low", findings, findings)
    assert episode.worst == "mood 2 (second)"


def finding(code: str, severity: str) -> Finding:
    return Finding(code, severity, code)


STRONGER = [
    # (findings of one day, what stands)
    ([("dryness-persistent", "warning"), ("dryness-high", "warning")], {"dryness-persistent"}),
    ([("dryness-persistent", "warning"), ("dryness-high", "urgent")], {"dryness-high"}),
    ([("dryness-persistent", "urgent"), ("dryness-high", "warning")], {"dryness-persistent"}),
    ([("mood-persistent-low", "urgent"), ("mood-low", "warning")], {"mood-persistent-low"}),
    ([("mood-persistent-low", "warning"), ("mood-low", "urgent")], {"mood-low"}),
    ([("dryness-high", "warning")], {"dryness-high"}),
    ([("mood-persistent-low", "urgent"), ("dryness-high", "warning")], {"mood-persistent-low", "dryness-high"}),
    ([("red-flag", "urgent"), ("dryness-persistent", "warning"), ("dryness-high", "warning")],
     {"red-flag", "dryness-persistent"}),
]


@pytest.mark.parametrize(("found", "stands"), STRONGER)
def test_it_keeps_the_stronger_of_a_run_rule_and_its_single_day_rule(found, stands):
    assert {f.code for f in strongest(finding(c, s) for c, s in found)} == stands


def test_an_urgent_single_day_is_never_folded_into_a_warning_run():
    days = [day(n) for n in range(4)]
    # mood-low made urgent by a clinician, its run rule a warning: every day stays urgent
    per_day = {d: strongest([finding("mood-persistent-low", "warning"), finding("mood-low", "urgent")]) for d in days}
    hits = {d: f for d, found in per_day.items() for f in found if f.code == "mood-low"}
    [episode] = build("mood-low", days, hits)
    assert (episode.severity, episode.days) == ("urgent", 4)
    assert not any(f.code == "mood-persistent-low" for found in per_day.values() for f in found)
