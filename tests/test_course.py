"""Course arithmetic without the database: dose, PHQ scoring and the pregnancy-test calendar."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core import course
from core.course import add_months, dose_summary, next_pregnancy_test, phq9_band, phq_findings

D = date


@pytest.mark.parametrize(
    "start, months, expected",
    [(D(2026, 1, 31), 1, D(2026, 2, 28)), (D(2028, 1, 31), 1, D(2028, 2, 29)), (D(2026, 3, 31), 1, D(2026, 4, 30)),
     (D(2026, 12, 15), 1, D(2027, 1, 15)), (D(2026, 11, 30), 3, D(2027, 2, 28)), (D(2026, 5, 1), 1, D(2026, 6, 1))],
)
def test_add_months_handles_month_ends_and_years(start, months, expected):
    assert add_months(start, months) == expected


START, TENTH = D(2026, 1, 1), D(2026, 1, 10)


def summary(doses, weight="60", start=START, today=TENTH):
    return dose_summary(doses, course_start=start, today=today, weight_kg=Decimal(weight) if weight else None,
                        target_low=120, target_high=150)


def test_cumulative_dose_counts_missing_days_as_none_taken():
    s = summary([40, None, 40, 0, 40])  # 10 course days, 3 doses logged
    assert s.total_mg == 120 and s.days == 10
    assert s.mg_per_kg == pytest.approx(2.0)
    assert s.average_daily_mg_per_kg == pytest.approx(0.2)


def test_a_mid_course_dose_change_adds_up_day_by_day():
    s = summary([40] * 5 + [60] * 5)
    assert s.total_mg == 500
    assert s.mg_per_kg == pytest.approx(500 / 60)


def test_projection_at_the_current_pace():
    # 600 mg in 10 days = 60 mg a day; target 120 mg/kg × 60 kg = 7,200 mg: 6,600 to go = 110 days.
    s = summary([60] * 10)
    assert s.projected_date == D(2026, 1, 10) + timedelta(days=110) == D(2026, 4, 30)
    assert s.percent_of_target == round(100 * 10 / 120)


def test_projection_rounds_up_to_a_whole_day():
    s = summary([70] * 10)  # 7,200 - 700 = 6,500 mg at 70 a day = 92.9 days -> 93
    assert (s.projected_date - D(2026, 1, 10)).days == 93


def test_reached_and_missing_weight():
    assert summary([60] * 200, today=D(2026, 7, 19)).reached
    s = summary([40, 40], weight=None)
    assert s.mg_per_kg is None and s.projected_date is None and s.total_mg == 80


def test_no_doses_means_no_projection():
    s = summary([])
    assert s.total_mg == 0 and s.projected_date is None and not s.reached


@pytest.mark.parametrize(
    "total, band",
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
     (15, "moderately severe"), (19, "moderately severe"), (20, "severe"), (27, "severe")],
)
def test_phq9_band_boundaries(total, band):
    assert phq9_band(total) == band


THRESHOLDS = {"phq9-moderate": 10, "phq9-severe": 20, "phq9-item9": 1}


def answers_for(total: int, item9: int = 0) -> list[int]:
    rest = total - item9
    answers = []
    for _ in range(8):
        answers.append(min(3, rest))
        rest -= answers[-1]
    return answers + [item9]


@pytest.mark.parametrize(
    "total, expected",
    [(9, []), (10, ["phq9-moderate"]), (19, ["phq9-moderate"]), (20, ["phq9-severe"]), (24, ["phq9-severe"])],
)
def test_phq_findings_at_each_boundary(total, expected):
    assert [code for code, _ in phq_findings(answers_for(total), THRESHOLDS)] == expected


WITH_PHQ2 = THRESHOLDS | {"phq2-positive": 3}


@pytest.mark.parametrize(
    "answers, expected",
    [
        # A positive PHQ-2 (3 or more) is never filed without a finding, whatever the PHQ-9 total.
        ([2, 1, 0, 0, 0, 0, 0, 0, 0], ["phq2-positive"]),  # total 3: "minimal"
        ([3, 3, 0, 0, 0, 0, 0, 0, 0], ["phq2-positive"]),  # total 6: "mild"
        ([2, 1, 3, 3, 0, 0, 0, 0, 0], ["phq2-positive"]),  # total 9: "mild"
        ([3, 3] + [None] * 7, ["phq2-positive"]),  # the PHQ-2 alone
        ([1, 1, 0, 0, 0, 0, 0, 0, 0], []),  # PHQ-2 of 2: negative
        ([1, 1] + [None] * 7, []),
        # A band rule that fired already says to stop and call: no second finding.
        ([3, 3, 3, 1, 0, 0, 0, 0, 0], ["phq9-moderate"]),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], ["phq9-severe"]),
        ([0, 0, 3, 3, 3, 1, 0, 0, 0], ["phq9-moderate"]),
        ([2, 1, 0, 0, 0, 0, 0, 0, 1], ["phq2-positive", "phq9-item9"]),
    ],
)
def test_a_positive_phq2_always_gives_a_finding(answers, expected):
    assert [code for code, _ in phq_findings(answers, WITH_PHQ2)] == expected


def test_item_9_alone_is_urgent_whatever_the_total():
    answers = [0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert [code for code, _ in phq_findings(answers, THRESHOLDS)] == ["phq9-item9"]
    assert [c for c, _ in phq_findings(answers_for(22, item9=3), THRESHOLDS)] == ["phq9-severe", "phq9-item9"]


def test_a_phq2_only_screen_is_not_scored_as_phq9():
    assert phq_findings([3, 3] + [None] * 7, THRESHOLDS) == []
    assert course.phq_band([1, 1] + [None] * 7) == "PHQ-2 negative"
    assert course.phq_band([2, 1] + [None] * 7) == "PHQ-2 positive"


# --- Pregnancy-test calendar ------------------------------------------------------------------


COURSE_START, COURSE_END, BEFORE = D(2026, 1, 31), D(2026, 6, 15), D(2026, 1, 20)


def due(tests, start=COURSE_START, end=COURSE_END, today=BEFORE):
    return next_pregnancy_test(tests, course_start=start, course_end=end, today=today)


FIRST = "first test before you start, in a medical setting"
SECOND = "second test before you start, at least 19 days after the first, in a medical setting"
MONTHLY, AFTER = "monthly test during the course", "one month after your last dose"


@pytest.mark.parametrize(
    "tests, today, expected",
    [
        # Before the course: a screening test early enough for the confirmation test to fit.
        ([], BEFORE, (D(2026, 1, 12), FIRST)),
        # A second test is due 19 days after the first; two tests a day (or 18 days) apart are not both.
        ([D(2026, 1, 2)], BEFORE, (D(2026, 1, 21), SECOND)),
        ([D(2026, 1, 2), D(2026, 1, 3)], BEFORE, (D(2026, 1, 21), SECOND)),
        ([D(2026, 1, 2), D(2026, 1, 20)], BEFORE, (D(2026, 1, 21), SECOND)),
        # 19 days apart: done; next is the first monthly test, a month after the last, across the month end.
        ([D(2026, 1, 2), D(2026, 1, 21)], BEFORE, (D(2026, 2, 21), MONTHLY)),
        ([D(2026, 1, 2), D(2026, 1, 29)], BEFORE, (D(2026, 2, 28), MONTHLY)),
        # During the course: one a month.
        ([D(2026, 1, 2), D(2026, 1, 29), D(2026, 2, 28)], D(2026, 3, 10), (D(2026, 3, 28), MONTHLY)),
        # A monthly test that would fall after the last dose is not asked for: no extra end-of-course test.
        ([D(2026, 1, 2), D(2026, 1, 29), D(2026, 5, 20)], D(2026, 6, 1), (D(2026, 7, 15), AFTER)),
        ([D(2026, 1, 2), D(2026, 1, 29), D(2026, 5, 15)], D(2026, 6, 1), (D(2026, 6, 15), MONTHLY)),
        # After the course: one test a month after the last dose, then nothing.
        ([D(2026, 1, 2), D(2026, 1, 29), D(2026, 6, 15)], D(2026, 6, 16), (D(2026, 7, 15), AFTER)),
        ([D(2026, 1, 2), D(2026, 1, 29), D(2026, 6, 15), D(2026, 7, 15)], D(2026, 7, 16), None),
    ],
)
def test_the_pregnancy_test_calendar(tests, today, expected):
    result = due(tests, today=today)
    assert (None if result is None else (result.due, result.reason)) == expected


def test_before_a_start_date_is_set_nothing_is_overdue_yet():
    none_yet = next_pregnancy_test([], course_start=None, course_end=None, today=BEFORE)
    assert (none_yet.due, none_yet.reason) == (BEFORE, FIRST)
    second = next_pregnancy_test([D(2025, 12, 1)], course_start=None, course_end=None, today=BEFORE)
    assert (second.due, second.reason) == (BEFORE, SECOND) and not second.missed(BEFORE)
    done = next_pregnancy_test([D(2025, 12, 1), D(2025, 12, 20)], course_start=None, course_end=None, today=BEFORE)
    assert done is None


def test_a_test_is_missed_the_day_after_it_was_due():
    result = due([D(2026, 1, 2), D(2026, 1, 29), D(2026, 2, 28)], today=D(2026, 3, 10))
    assert not result.missed(D(2026, 3, 28)) and result.missed(D(2026, 3, 29))


@pytest.mark.parametrize(
    "test_day, last_day_to_collect",
    [
        (D(2026, 2, 25), D(2026, 3, 3)),    # across the end of February
        (D(2028, 2, 25), D(2028, 3, 2)),    # a leap year
        (D(2026, 12, 28), D(2027, 1, 3)),   # across the year end
        (D(2026, 6, 1), D(2026, 6, 7)),     # day 1 is 1 June, day 7 is 7 June
    ],
)
def test_the_prescription_window_is_7_days_counting_the_test_day_as_day_1(test_day, last_day_to_collect):
    # A test during the course opens the window of that month's prescription.
    collect_by = course.prescription_deadline([(test_day, True)], course_start=test_day - timedelta(days=40))
    assert collect_by == last_day_to_collect
    assert (last_day_to_collect - test_day).days + 1 == 7


NEG, POS = True, False
SCREENING, CONFIRMATION = D(2026, 1, 2), D(2026, 1, 21)  # 19 days apart; the course starts on 31 January


@pytest.mark.parametrize(
    "tests, start, collect_by",
    [
        # No test, or a lone screening test before the course: no prescription yet, so no window.
        ([], COURSE_START, None),
        ([(SCREENING, NEG)], COURSE_START, None),
        ([(SCREENING, NEG)], None, None),
        # A second test less than 19 days after the first is not the confirmation test.
        ([(SCREENING, NEG), (D(2026, 1, 20), NEG)], COURSE_START, None),
        # The first prescription's window counts from the confirmation test.
        ([(SCREENING, NEG), (CONFIRMATION, NEG)], COURSE_START, D(2026, 1, 27)),
        ([(SCREENING, NEG), (CONFIRMATION, NEG)], None, D(2026, 1, 27)),
        # During the course, from each monthly test.
        ([(SCREENING, NEG), (CONFIRMATION, NEG), (D(2026, 2, 21), NEG)], COURSE_START, D(2026, 2, 27)),
        # A monthly test of a patient whose earlier tests were never logged still opens the window.
        ([(D(2026, 3, 2), NEG)], COURSE_START, D(2026, 3, 8)),
        # After a positive test: no window, whatever came before it.
        ([(SCREENING, NEG), (CONFIRMATION, POS)], COURSE_START, None),
        ([(SCREENING, NEG), (CONFIRMATION, NEG), (D(2026, 2, 21), POS)], COURSE_START, None),
        ([(D(2026, 3, 2), POS)], COURSE_START, None),
    ],
)
def test_the_collection_window(tests, start, collect_by):
    assert course.prescription_deadline(tests, course_start=start) == collect_by


@pytest.mark.parametrize(
    "tests, today, expected",
    [
        # The course start passed with no test at all: the screening test is still due (overdue since
        # 19 days before the start), said as missing, not a switch to monthly tests.
        ([], D(2026, 2, 3), (D(2026, 1, 12), True)),
        # With only the screening test: the confirmation test, overdue since the start at the latest.
        ([SCREENING], D(2026, 2, 3), (D(2026, 1, 21), True)),
        ([D(2026, 1, 20)], D(2026, 2, 3), (COURSE_START, True)),
        # Two tests too close together: still missing the confirmation test.
        ([SCREENING, D(2026, 1, 10)], D(2026, 2, 3), (D(2026, 1, 21), True)),
        # Both tests before the start: the monthly calendar as usual.
        ([SCREENING, CONFIRMATION], D(2026, 2, 3), (D(2026, 2, 21), False)),
        # A test logged after the start takes the calendar on from it.
        ([D(2026, 2, 5)], D(2026, 2, 10), (D(2026, 3, 5), False)),
    ],
)
def test_a_course_start_with_missing_tests_says_so(tests, today, expected):
    result = due(tests, today=today)
    assert (result.due, result.missing_before_course) == expected
    assert result.missed(today) == expected[1]
    if expected[1]:
        assert "your course start has passed without it" in result.reason


def test_no_window_without_a_negative_test_and_contraception_until_a_month_after():
    assert course.prescription_deadline([], course_start=None) is None
    assert course.contraception_until(D(2026, 1, 31)) == D(2026, 2, 28)
    assert course.contraception_until(None) is None
