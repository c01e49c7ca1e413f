"""The warning rules, without the database: table-driven, at and around every threshold."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from core import rules
from core.default_rules import COURSE_RULE_CODES, DEFAULT_RULES
from core.rules import Day, RuleSetting, evaluate

SETTINGS = {
    r["code"]: RuleSetting(r["code"], r["severity"], r["threshold"], r["run_days"])
    for r in DEFAULT_RULES
    if r["code"] not in COURSE_RULE_CODES
}
D = date(2026, 6, 10)


def day(on: date = D, **values) -> Day:
    base = dict(skin_dryness=2, lip_dryness=2, eye_dryness=2, mood=7, sun_minutes=0, sunscreen=False,
                sunburn="none", symptoms=frozenset())
    base.update(values)
    return Day(date=on, **base)


def codes(entry: Day, history=(), settings=SETTINGS) -> set[str]:
    return {f.code for f in evaluate(entry, history, settings)}


def before(n: int) -> date:
    return D - timedelta(days=n)


def test_every_default_rule_has_a_check_and_every_check_a_default():
    assert set(SETTINGS) == set(rules.CHECKS)


def test_a_calm_day_fires_nothing():
    assert codes(day()) == set()


@pytest.mark.parametrize(
    "values, fires",
    [
        ({"skin_dryness": 6}, False), ({"skin_dryness": 7}, True), ({"skin_dryness": 8}, True),
        ({"lip_dryness": 6}, False), ({"lip_dryness": 7}, True), ({"lip_dryness": 10}, True),
        ({"eye_dryness": 6}, False), ({"eye_dryness": 7}, True), ({"eye_dryness": 8}, True),
    ],
)
def test_dryness_high(values, fires):
    assert ("dryness-high" in codes(day(**values))) is fires


@pytest.mark.parametrize("mood, fires", [(2, True), (3, True), (4, False), (0, True), (10, False)])
def test_mood_low(mood, fires):
    assert ("mood-low" in codes(day(mood=mood))) is fires


@pytest.mark.parametrize(
    "minutes, sunscreen, fires",
    [(29, False, False), (30, False, True), (31, False, True), (30, True, False), (1440, True, False),
     (0, False, False)],
)
def test_sun_unprotected(minutes, sunscreen, fires):
    assert ("sun-unprotected" in codes(day(sun_minutes=minutes, sunscreen=sunscreen))) is fires


@pytest.mark.parametrize(
    "sunburn, expected",
    [("none", set()), ("mild", {"sunburn"}), ("blistering", {"sunburn-blistering"})],
)
def test_sunburn(sunburn, expected):
    assert codes(day(sunburn=sunburn)) & {"sunburn", "sunburn-blistering"} == expected


@pytest.mark.parametrize("severity_code, severity", [("sunburn", "warning"), ("sunburn-blistering", "urgent")])
def test_severity_comes_from_the_setting(severity_code, severity):
    findings = evaluate(day(sunburn="blistering" if "blistering" in severity_code else "mild"), [], SETTINGS)
    assert [f.severity for f in findings if f.code == severity_code] == [severity]


# --- runs of consecutive days -------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, field, bad, good",
    [("dryness-persistent", "lip_dryness", 7, 6), ("mood-persistent-low", "mood", 3, 4)],
)
class TestRuns:
    def test_three_days_in_a_row_fire(self, code, field, bad, good):
        history = [day(before(1), **{field: bad}), day(before(2), **{field: bad})]
        assert code in codes(day(**{field: bad}), history)

    def test_the_run_may_lie_on_either_side_of_the_entry(self, code, field, bad, good):
        # Back-filling the middle day of a run, and the first day, both complete it.
        after = D + timedelta(days=1)
        assert code in codes(day(**{field: bad}), [day(before(1), **{field: bad}), day(after, **{field: bad})])
        two_after = D + timedelta(days=2)
        assert code in codes(day(**{field: bad}), [day(after, **{field: bad}), day(two_after, **{field: bad})])

    def test_two_days_are_not_enough(self, code, field, bad, good):
        assert code not in codes(day(**{field: bad}), [day(before(1), **{field: bad})])

    def test_a_missing_day_breaks_the_run(self, code, field, bad, good):
        history = [day(before(1), **{field: bad}), day(before(3), **{field: bad}), day(before(4), **{field: bad})]
        assert code not in codes(day(**{field: bad}), history)

    def test_a_day_just_over_the_threshold_breaks_the_run(self, code, field, bad, good):
        history = [day(before(1), **{field: good}), day(before(2), **{field: bad})]
        assert code not in codes(day(**{field: bad}), history)

    def test_the_entry_itself_must_qualify(self, code, field, bad, good):
        history = [day(before(1), **{field: bad}), day(before(2), **{field: bad}), day(before(3), **{field: bad})]
        assert code not in codes(day(**{field: good}), history)


def test_dryness_runs_may_mix_skin_lips_and_eyes():
    history = [day(before(1), eye_dryness=7), day(before(2), skin_dryness=9)]
    assert "dryness-persistent" in codes(day(lip_dryness=7), history)


def test_mood_persistent_low_is_urgent():
    history = [day(before(1), mood=2), day(before(2), mood=2)]
    findings = {f.code: f for f in evaluate(day(mood=2), history, SETTINGS)}
    assert findings["mood-persistent-low"].severity == "urgent"
    assert findings["mood-low"].severity == "urgent"  # issue 19: its advice is to stop and call


# --- mood-drop ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prior, mood, fires",
    [
        ([8, 8, 8], 5, True),  # exactly 3 below the mean
        ([8, 8, 8], 6, False),  # 2 below
        ([8, 8, 8], 4, True),
        ([8, 8], 1, False),  # only 2 prior entries
        ([8, 7, 9, 8], 5, True),  # mean 8
        ([8, 7, 9, 7], 5, False),  # mean 7.75: 2.75 below
    ],
)
def test_mood_drop(prior, mood, fires):
    history = [day(before(i + 1), mood=m) for i, m in enumerate(prior)]
    assert ("mood-drop" in codes(day(mood=mood), history)) is fires


def test_mood_drop_only_counts_the_7_days_before():
    old = [day(before(8), mood=9), day(before(9), mood=9), day(before(10), mood=9)]
    assert "mood-drop" not in codes(day(mood=2), old)
    later = [day(D + timedelta(days=1), mood=9), day(D + timedelta(days=2), mood=9), day(before(7), mood=9)]
    assert "mood-drop" not in codes(day(mood=2), later)
    within = [day(before(7), mood=9), day(before(1), mood=9), day(before(4), mood=9)]
    assert "mood-drop" in codes(day(mood=2), within)


# --- red flags ----------------------------------------------------------------------------------


def test_red_flag_names_every_ticked_symptom_in_one_finding():
    findings = evaluate(day(symptoms=frozenset({"jaundice", "hearing"})), [], SETTINGS)
    red = [f for f in findings if f.code == "red-flag"]
    assert len(red) == 1
    assert set(red[0].anchors) == {"jaundice", "hearing"}
    assert red[0].severity == "urgent"


def test_self_harm_is_its_own_rule():
    assert codes(day(symptoms=frozenset({"self_harm"}))) == {"self-harm"}
    assert codes(day(symptoms=frozenset({"self_harm", "hearing"}))) == {"self-harm", "red-flag"}


def test_rules_are_independent():
    entry = day(lip_dryness=9, mood=1, sun_minutes=60, sunburn="blistering", symptoms=frozenset({"jaundice"}))
    assert codes(entry) == {"dryness-high", "mood-low", "sun-unprotected", "sunburn-blistering", "red-flag"}


# --- settings -----------------------------------------------------------------------------------


def test_an_override_threshold_is_used():
    settings = {**SETTINGS, "dryness-high": replace(SETTINGS["dryness-high"], threshold=9)}
    assert "dryness-high" not in codes(day(lip_dryness=8), settings=settings)
    assert "dryness-high" in codes(day(lip_dryness=9), settings=settings)


def test_a_disabled_rule_does_not_fire():
    settings = {**SETTINGS, "mood-low": replace(SETTINGS["mood-low"], enabled=False)}
    assert "mood-low" not in codes(day(mood=0), settings=settings)


def test_the_window_covers_the_longest_run():
    assert rules.window(SETTINGS) == (7, 2)
    longer = {**SETTINGS, "dryness-persistent": replace(SETTINGS["dryness-persistent"], run_days=5)}
    assert rules.window(longer) == (7, 4)


@pytest.mark.parametrize("code", sorted(rules.RUN_RULES))
def test_a_run_rule_without_run_days_needs_the_default_run_and_the_window_reads_that_far(code):
    settings = {**SETTINGS, code: replace(SETTINGS[code], run_days=None)}
    assert rules.window(settings) == (7, rules.DEFAULT_RUN_DAYS - 1)
    bad = {"dryness-persistent": {"lip_dryness": 9}, "mood-persistent-low": {"mood": 0}}[code]
    run = [day(before(back), **bad) for back in range(rules.DEFAULT_RUN_DAYS)]
    assert code in codes(run[0], history=run[1:], settings=settings)
    assert code not in codes(run[0], history=run[1:-1], settings=settings)  # one day short
