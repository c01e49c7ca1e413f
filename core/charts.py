"""A server-rendered SVG chart of dryness, mood and sun, used by the dashboard and the admin.

No JavaScript: the SVG is built here from numbers only (no user text goes into it), and the
template shows the same numbers in a table for screen readers."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .dates import day_label, short_day_label, weekday_label

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 34, 56, 12, 28

# Color-blind-safe colors (Okabe–Ito), each series also with its own dash pattern.
SERIES = [
    ("skin_dryness", _("Skin dryness"), "#0072B2", ""),
    ("lip_dryness", _("Lip dryness"), "#D55E00", "6 3"),
    ("eye_dryness", _("Eye dryness"), "#009E73", "2 3"),
    ("mood", _("Mood"), "#CC79A7", "10 4 2 4"),
]
SUN_COLOR = "#E69F00"


@dataclass
class ChartRow:
    date: date
    skin_dryness: int | None
    lip_dryness: int | None
    eye_dryness: int | None
    mood: int | None
    sun_minutes: int | None


@dataclass
class Chart:
    start: date
    end: date
    rows: list[ChartRow]
    svg: SafeString
    legend: list[tuple[str, str, str]]
    sun_max: int

    @property
    def logged(self) -> list[ChartRow]:
        return [row for row in self.rows if row.mood is not None]

    @property
    def table_rows(self) -> SafeString:
        """The table body with the chart's numbers, built here rather than in a template loop:
        the dashboard renders it on every visit. Only numbers and dates go in."""
        if not self.logged:
            return format_html('<tr><td colspan="6">{}</td></tr>', gettext("No entries in this period."))
        return format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            ((weekday_label(r.date, abbreviated=True, year=False), r.skin_dryness, r.lip_dryness, r.eye_dryness, r.mood,
              r.sun_minutes) for r in self.logged),
        )

    @property
    def period(self) -> str:
        return gettext("%(start)s to %(end)s") % {"start": short_day_label(self.start), "end": day_label(self.end)}

    @property
    def legend_items(self) -> SafeString:
        return format_html_join(
            "",
            '<li class="list-inline-item"><svg width="26" height="10" aria-hidden="true"><line x1="0" y1="5" '
            'x2="26" y2="5" stroke="{}" stroke-width="3" stroke-dasharray="{}"/></svg> {}</li>',
            ((color, dash or "none", label) for label, color, dash in self.legend),
        )


def build_chart(entries: Iterable, start: date, end: date) -> Chart:
    by_date = {e.date: e for e in entries}
    days = (end - start).days + 1
    rows = []
    for i in range(days):
        day = start + timedelta(days=i)
        e = by_date.get(day)
        rows.append(
            ChartRow(
                day,
                *(getattr(e, name) if e else None for name, *_ in SERIES),
                sun_minutes=e.sun_minutes if e else None,
            )
        )
    sun_values = [r.sun_minutes for r in rows if r.sun_minutes is not None]
    sun_max = max(60, -(-max(sun_values, default=0) // 60) * 60)
    legend = [(label, color, dash) for _, label, color, dash in SERIES]
    return Chart(start, end, rows, _svg(rows, sun_max), legend, sun_max)


def _svg(rows: list[ChartRow], sun_max: int) -> SafeString:
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(rows), 1)

    def x(i: int) -> float:
        return LEFT + step * (i + 0.5)

    def y(value: float, top: float) -> float:
        return TOP + plot_h * (1 - value / top)

    parts = []
    for tick in (0, 5, 10):
        ty = y(tick, 10)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#ddd"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="15" fill="#555">{tick}</text>'
        )
    parts.append(
        f'<text x="{WIDTH - RIGHT + 4}" y="{TOP + 10}" font-size="15" fill="#8a5a00">{sun_max} min</text>'
        f'<text x="{WIDTH - RIGHT + 4}" y="{TOP + plot_h}" font-size="15" fill="#8a5a00">0</text>'
    )
    bar_w = max(step * 0.6, 1)
    for i, row in enumerate(rows):
        if row.sun_minutes:
            top = y(row.sun_minutes, sun_max)
            parts.append(
                f'<rect x="{x(i) - bar_w / 2:.1f}" y="{top:.1f}" width="{bar_w:.1f}" '
                f'height="{TOP + plot_h - top:.1f}" fill="{SUN_COLOR}" fill-opacity="0.35"/>'
            )
    for name, _label, color, dash in SERIES:
        # A day without an entry breaks the line, so gaps are visible rather than bridged.
        segment: list[str] = []
        segments = []
        for i, row in enumerate(rows):
            value = getattr(row, name)
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
            else:
                segment.append(f"{x(i):.1f},{y(value, 10):.1f}")
        if segment:
            segments.append(segment)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for seg in segments:
            if len(seg) == 1:
                cx, cy = seg[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{color}"/>')
            else:
                parts.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{color}" stroke-width="2"{dash_attr}/>'
                )
    if rows:
        for i in (0, len(rows) - 1):
            anchor = "start" if i == 0 else "end"
            label = short_day_label(rows[i].date)
            tx = LEFT if i == 0 else WIDTH - RIGHT
            parts.append(
                f'<text x="{tx}" y="{HEIGHT - 8}" text-anchor="{anchor}" font-size="15" fill="#555">{label}</text>'
            )
    return mark_safe(  # noqa: S308 - numbers and constants only, never user text  # nosec B308, B703
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" class="chart-svg" role="img" aria-hidden="true" '
        f'focusable="false" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )
