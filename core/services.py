"""The writes that touch several rows: saving or deleting an entry together with its alerts."""

import dataclasses
from datetime import date, timedelta

from auditlog.context import disable_auditlog
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import course, rules
from .models import (
    LOCKED_RULES,
    Alert,
    DiaryEntry,
    MoodCheck,
    Patient,
    PregnancyTest,
    Rule,
    RuleOverride,
    Severity,
    Symptom,
)


def rule_settings_for(patient: Patient) -> tuple[dict[str, rules.RuleSetting], dict[str, Rule]]:
    """The rule settings in force for one patient: defaults with that patient's overrides applied."""
    defaults = {rule.code: rule for rule in Rule.objects.all()}
    overrides = {o.rule.code: o for o in RuleOverride.objects.filter(patient=patient).select_related("rule")}
    settings = {}
    for code, rule in defaults.items():
        override = overrides.get(code)
        setting = rules.RuleSetting(
            code=code,
            severity=rule.severity,
            threshold=override.threshold if override and override.threshold is not None else rule.threshold,
            run_days=override.run_days if override and override.run_days is not None else rule.run_days,
            enabled=rule.enabled,
        )
        settings[code] = locked_setting(setting) if code in LOCKED_RULES else setting
    return settings, defaults


def locked_setting(setting: rules.RuleSetting) -> rules.RuleSetting:
    """A safety rule as it always fires, whatever a row written before the locks (or past model
    validation, e.g. by a queryset update) holds: on, urgent, no harder to trigger than its default."""
    highest = LOCKED_RULES[setting.code]
    threshold = highest if setting.threshold is None or highest is None else min(setting.threshold, highest)
    return dataclasses.replace(setting, enabled=True, severity=Severity.URGENT, threshold=threshold, run_days=None)


def as_day(entry: DiaryEntry) -> rules.Day:
    return rules.Day(
        date=entry.date,
        skin_dryness=entry.skin_dryness,
        lip_dryness=entry.lip_dryness,
        eye_dryness=entry.eye_dryness,
        mood=entry.mood,
        sun_minutes=entry.sun_minutes,
        sunscreen=entry.sunscreen,
        sunburn=entry.sunburn,
        symptoms=frozenset(entry.symptoms or ()),
    )


def learn_url(slug: str, anchor: str = "") -> str:
    url = reverse("learn_topic", args=[slug])
    return f"{url}#{anchor}" if anchor else url


def _detail(finding: rules.Finding) -> str:
    if finding.code == "red-flag":
        return "Reported: " + "; ".join(Symptom(code).label for code in finding.anchors)
    return finding.detail[:1].upper() + finding.detail[1:]


def patient_write():
    """The audit trail records what staff see and change in the admin. A patient's own diary
    writes (and the alerts they raise) are the record itself, not copied into the trail: that
    would double every save's writes."""
    return disable_auditlog()


RuleSettings = tuple[dict[str, rules.RuleSetting], dict[str, Rule]]

DAY_FIELDS = [field.name for field in dataclasses.fields(rules.Day)]


def day_from_values(values: dict) -> rules.Day:
    return rules.Day(**{**values, "symptoms": frozenset(values["symptoms"] or ())})


@dataclasses.dataclass
class Surroundings:
    """What the rules need around the days an entry write touched, read in two queries: the
    entries of the days around them, the entry's own alerts, and the open run and mood-drop
    findings of the entries nearby, which the write may have undone."""

    days: dict[date, rules.Day]
    own_alerts: list[Alert]
    neighbour_alerts: list[Alert]

    @classmethod
    def load(cls, patient: Patient, days: list[date], settings, entry: DiaryEntry | None = None) -> "Surroundings":
        before, after = rules.window(settings)
        reach = max(after, rules.MOOD_DROP_DAYS_BEFORE)  # entries up to a week later compare with these days
        # Neighbours' findings that may depend on these days, and everything those findings look at.
        first, last = min(days) - timedelta(days=after), max(days) + timedelta(days=reach)
        own_id = entry.pk if entry else None
        nearby = Q(patient=patient, entry_date__gte=first, entry_date__lte=last, resolved_at__isnull=True,
                   entry__isnull=False, rule_code__in=rules.DEPENDS_ON_OTHER_DAYS)
        alerts = list(Alert.objects.filter(nearby | Q(entry_id=own_id) if own_id else nearby))
        span = (first - timedelta(days=before), last + timedelta(days=after))
        rows = DiaryEntry.objects.for_patient(patient).filter(date__range=span).values(*DAY_FIELDS)
        return cls(
            days={row["date"]: day_from_values(row) for row in rows},
            own_alerts=[a for a in alerts if a.entry_id == own_id],
            neighbour_alerts=[a for a in alerts if a.entry_id != own_id and a.entry_date not in days],
        )


def alerts_sync(entry: DiaryEntry, rule_settings: RuleSettings, around: Surroundings) -> list[Alert]:
    """Evaluate the rules for one entry and make its alerts match: new findings raise an alert,
    findings that no longer hold are resolved, none is duplicated. An acknowledged alert keeps its
    acknowledgement, so a clinician is not asked about the same entry and rule twice."""
    settings, defaults = rule_settings
    findings = rules.evaluate(as_day(entry), around.days.values(), settings)
    existing = {alert.rule_code: alert for alert in around.own_alerts}
    now = timezone.now()
    current = []
    for finding in findings:
        rule = defaults[finding.code]
        anchor = finding.anchors[0] if finding.anchors else rule.learn_anchor
        values = {
            "severity": finding.severity,
            "message": rule.message,
            "advice": rule.advice,
            "detail": _detail(finding)[:300],
            "learn_url": learn_url(rule.learn_slug, anchor),
            "entry_date": entry.date,
        }
        alert = existing.get(finding.code)
        if alert is None:
            alert = Alert(patient=entry.patient, entry=entry, rule_code=finding.code, **values)
            alert.save()
        else:
            changed = [name for name, value in values.items() if getattr(alert, name) != value]
            if alert.resolved_at is not None:
                changed.append("resolved_at")
            for name in changed:
                setattr(alert, name, values.get(name))
            if changed:  # an unchanged finding costs no write (and no audit row)
                alert.save(update_fields=changed)
        current.append(alert)
    held = {finding.code for finding in findings}
    for code, alert in existing.items():
        if code not in held and alert.resolved_at is None:
            alert.resolved_at = now
            alert.save(update_fields=["resolved_at"])
    return current


def resolve_stale_neighbours(rule_settings: RuleSettings, around: Surroundings) -> None:
    """After an entry changed or went, resolve the open run and mood-drop findings of the entries
    around it that no longer hold (a deleted day breaks a run). New findings are not raised on
    other days: each entry's own save does that."""
    settings, _ = rule_settings
    now = timezone.now()
    for alert in around.neighbour_alerts:
        own = around.days.get(alert.entry_date)
        held = own is not None and any(
            f.code == alert.rule_code for f in rules.evaluate(own, around.days.values(), settings)
        )
        if not held:
            alert.resolved_at = now
            alert.save(update_fields=["resolved_at"])


def entry_save(*, entry: DiaryEntry, previous_date=None) -> list[Alert]:
    """Save a diary entry and bring its alerts, and those of the days around it (and around
    `previous_date`, when an edit moved it), up to date, in one transaction."""
    # Settings, not the patient's record: read before the transaction takes the write lock, so
    # that concurrent writers (SQLite runs one at a time) wait as briefly as possible.
    rule_settings = rule_settings_for(entry.patient)
    with transaction.atomic(), patient_write():
        entry.save()
        days = sorted({entry.date, previous_date or entry.date})
        around = Surroundings.load(entry.patient, days, rule_settings[0], entry)
        current = alerts_sync(entry, rule_settings, around)
        resolve_stale_neighbours(rule_settings, around)
        return current


def entry_delete(*, entry: DiaryEntry) -> None:
    """Delete an entry. Its alerts stay on record for the clinician, resolved, and so do the run
    findings of the days around it that the entry was part of."""
    rule_settings = rule_settings_for(entry.patient)
    with transaction.atomic(), patient_write():
        entry.alerts.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        entry.delete()
        resolve_stale_neighbours(rule_settings, Surroundings.load(entry.patient, [entry.date], rule_settings[0]))


# --- Course: mood checks and pregnancy tests ----------------------------------------------------


def _raise(patient: Patient, rule: Rule, *, source: str, on, detail: str) -> Alert:
    """Raise (or keep) the alert of one course rule for one source, e.g. a mood check."""
    alert, _ = Alert.objects.get_or_create(
        patient=patient,
        rule_code=rule.code,
        source=source,
        defaults={
            "entry_date": on, "severity": Severity.URGENT if rule.code in LOCKED_RULES else rule.severity,
            "message": rule.message, "advice": rule.advice,
            "detail": detail[:300], "learn_url": learn_url(rule.learn_slug, rule.learn_anchor),
        },
    )
    return alert


def mood_check_save(*, patient: Patient, answers: list[int | None], on) -> MoodCheck:
    """Store a PHQ-2 or PHQ-9 with its total and band, and raise the PHQ alerts it calls for."""
    settings, rules_by_code = rule_settings_for(patient)
    thresholds = {code: s.threshold for code, s in settings.items() if s.enabled}
    with transaction.atomic():
        check = MoodCheck.objects.create(
            patient=patient, date=on, total=sum(a for a in answers if a is not None), band=course.phq_band(answers),
            **{f"q{i}": answer for i, answer in enumerate(answers, start=1)},
        )
        for code, detail in course.phq_findings(answers, thresholds):
            _raise(patient, rules_by_code[code], source=f"mood-check:{check.pk}", on=on, detail=detail)
    return check


def pregnancy_test_save(*, test: PregnancyTest) -> None:
    with transaction.atomic():
        test.save()
        if test.result == PregnancyTest.Result.POSITIVE:
            rule = Rule.objects.get(code="pregnancy-positive")
            _raise(test.patient, rule, source=f"pregnancy-test:{test.pk}", on=test.date,
                   detail=f"Positive test on {test.date.isoformat()}")
        course_alerts_sync(test.patient, test.patient.today())


def next_pregnancy_test(patient: Patient, today) -> course.TestDue | None:
    if not patient.can_become_pregnant:
        return None
    # Only a negative test counts towards the calendar; a positive one raises pregnancy-positive.
    tests = patient.pregnancy_tests.filter(result=PregnancyTest.Result.NEGATIVE).values_list("date", flat=True)
    return course.next_pregnancy_test(tests, course_start=patient.course_start, course_end=patient.course_end,
                                      today=today)


def course_alerts_sync(patient: Patient, today) -> course.TestDue | None:
    """Raise `pregnancy-test-due` for a missed test; resolve it once the test is logged (or the
    patient can no longer become pregnant). Run on the write path and by the scheduled
    send_reminders, never while a page is shown: a test becomes missed as the days pass."""
    due = next_pregnancy_test(patient, today)
    source = f"test-due:{due.due.isoformat()}" if due and due.missed(today) else None
    stale = Alert.objects.filter(patient=patient, rule_code="pregnancy-test-due").unresolved()
    if source:
        stale = stale.exclude(source=source)
        rule = Rule.objects.filter(code="pregnancy-test-due", enabled=True).first()
        if rule is not None:
            _raise(patient, rule, source=source, on=due.due, detail=f"Test due {due.due.isoformat()} ({due.reason})")
    stale.update(resolved_at=timezone.now())
    return due


def missed_tests_sync() -> int:
    """course_alerts_sync for every patient it may concern: those who can become pregnant and
    those with a missed-test warning still open. Returns how many patients it looked at."""
    patients = Patient.objects.filter(
        Q(can_become_pregnant=True) | Q(alerts__rule_code="pregnancy-test-due", alerts__resolved_at__isnull=True)
    ).distinct()
    count = 0
    for patient in patients:
        course_alerts_sync(patient, patient.today())
        count += 1
    return count
