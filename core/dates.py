"""Dates and times as people read them, in the formats of the language (isodiary/formats: in US
English "December 6, 2026", "1:30 p.m."), and a patient's moments in the patient's own time zone."""

from datetime import date, datetime, tzinfo

from django.utils import timezone
from django.utils.formats import date_format


def day_label(day: date) -> str:
    """"December 6, 2026"."""
    return date_format(day, "DATE_FORMAT")


def short_day_label(day: date) -> str:
    """"December 6"."""
    return date_format(day, "MONTH_DAY_FORMAT")


def weekday_label(day: date, *, abbreviated: bool = False, year: bool = True) -> str:
    """"Sunday, December 6, 2026"; abbreviated "Sun, December 6, 2026"; without the year "Sun, December 6"."""
    return f"{date_format(day, 'D' if abbreviated else 'l')}, {day_label(day) if year else short_day_label(day)}"


def day_range_label(first: date, last: date, days: int) -> str:
    """"December 6, 2026", or "November 28 to December 6, 2026 (9 days)"."""
    if first == last:
        return day_label(first)
    start = short_day_label(first) if first.year == last.year else day_label(first)
    return f"{start} to {day_label(last)} ({days} day{'' if days == 1 else 's'})"


def moment_label(moment: datetime, tz: tzinfo | None = None) -> str:
    """"December 6, 2026, 1:30 p.m." in `tz` (a patient's own zone), else the current time zone."""
    return date_format(timezone.localtime(moment, tz), "DATETIME_FORMAT")
