"""Every write that touches a patient's data: entries with their alerts, mood checks, pregnancy
tests, the patient's own record and overrides, and a clinician acknowledging an alert.

Each write is one transaction that first locks the rows of the patients it touches (`lock_patients`),
so that every writer takes its locks in one order, patient → entry → alert, and two writers cannot
deadlock on PostgreSQL: the version triggers (core/versions.py) update the patient row after any
write to an entry or an alert, and a writer that touched the alert first would wait for the patient
while holding the alert."""

import contextlib
import copy
import dataclasses
from datetime import date, timedelta

from auditlog.context import disable_auditlog
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import DateField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import course, episodes, rules, selectors
from .dates import day_label
from .models import (
    LOCKED_RULES,
    Alert,
    DiaryEntry,
    Language,
    MoodCheck,
    Patient,
    PregnancyTest,
    Rule,
    RuleOverride,
    Severity,
    Symptom,
)


def lock_patients(ids) -> list[Patient]:
    """Lock the rows of these patients (by id) until the transaction ends, lowest id first. Every
    write below starts here, inside its transaction, before it writes anything else."""
    return list(Patient.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk"))


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


# Rules whose findings name the symptoms ticked, each with its own advice (models.SIGN_ADVICE).
SIGN_RULES = {"red-flag", "pregnancy-risk"}


def _detail_text(code: str, detail: str, anchors: tuple[str, ...]) -> str:
    if code in SIGN_RULES and anchors:
        return gettext("Reported: %(signs)s") % {"signs": "; ".join(str(Symptom(code).label) for code in anchors)}
    detail = str(detail)
    return detail[:1].upper() + detail[1:]


_detail = lazy(_detail_text, str)  # worded in the language active when it is read
day_label_lazy = lazy(day_label, str)


def in_languages(**texts) -> dict[str, str]:
    """Generated lines (lazy: rules.worded) as an alert stores them: `name` in English, `name_es` in
    Spanish, cut to their columns. An alert keeps the wording it was raised with, in both languages,
    and each reader sees theirs (Alert's in_language)."""
    values = {}
    # English as the site's default language (LANGUAGE_CODE) words it, e.g. its US date formats.
    for suffix, language in (("", django_settings.LANGUAGE_CODE), ("_es", "es")):
        with translation.override(language):
            for name, text in texts.items():
                values[name + suffix] = str(text)[:300]  # detail, worst: 300 characters
    return values


def rule_texts(rule: Rule) -> dict[str, str]:
    """What an alert copies from its rule when raised, in English and in Spanish (empty: not written)."""
    return {"message": rule.message, "advice": rule.advice, "message_es": rule.message_es,
            "advice_es": rule.advice_es}


def patient_write():
    """The audit trail records what staff see and change in the admin. A patient's own diary
    writes (and the alerts they raise) are the record itself, not copied into the trail: that
    would double every save's writes."""
    return disable_auditlog()


def staff_write():
    """A staff member's change to a patient's record: the audit trail records it as usual."""
    return contextlib.nullcontext()


RuleSettings = tuple[dict[str, rules.RuleSetting], dict[str, Rule]]
READ_AROUND_DAYS = 31
DAY_FIELDS = [field.name for field in dataclasses.fields(rules.Day)]


def day_from_values(values: dict) -> rules.Day:
    return rules.Day(**{**values, "symptoms": frozenset(values["symptoms"] or ())})


def days_between(patient: Patient, first: date, last: date) -> dict[date, rules.Day]:
    rows = DiaryEntry.objects.for_patient(patient).filter(date__range=(first, last)).values(*DAY_FIELDS)
    return {row["date"]: day_from_values(row) for row in rows}


def episodes_sync(patient: Patient, changed: list[date], rule_settings: RuleSettings) -> None:
    """Bring the patient's entry alerts (one per episode, core/episodes.py) up to date after the
    entries of the `changed` days were written or deleted.

    Only the days whose findings can change are evaluated (a run or the mood-drop rule looks a week
    around), with the stored episodes of each rule that touch them: those overlapping, and the
    nearest before and after, which the change may join to or split from. Episodes that no longer
    hold are resolved, never deleted: the clinician's record keeps them."""
    settings, defaults = rule_settings
    before, after = rules.window(settings)
    reach = max(before, rules.MOOD_DROP_DAYS_BEFORE)  # entries up to a week later compare with these days
    # add_days: an entry stored before the forms checked the date (year 1, 9999) still saves and deletes.
    start, end = course.add_days(min(changed), -after), course.add_days(max(changed), reach)
    # Read: the open episodes (the queue: few), the acknowledged ones of the weeks around, and the
    # withdrawn ones of these days, which an edit back reopens (so that a patient correcting a typo
    # twice does not make a clinician read, or be e-mailed about, the same days twice). Acknowledged
    # episodes further off are frozen and join nothing: they are read only in the rare case that an
    # open one reaches past them.
    mine = Alert.objects.filter(patient=patient, source="")
    margin = READ_AROUND_DAYS
    around = Q(resolved_at__isnull=True, last_day__gte=course.add_days(start, -margin),
               first_day__lte=course.add_days(end, margin))
    withdrawn = Q(acknowledged_at__isnull=True, last_day__gte=start, first_day__lte=end)
    stored = list(mine.filter(around | withdrawn | Q(resolved_at__isnull=True, acknowledged_at__isnull=True)))
    first, last, touched = _touching(stored, start, end)
    if first < course.add_days(start, -margin) or last > course.add_days(end, margin):
        stored += mine.filter(resolved_at__isnull=True, acknowledged_at__isnull=False, last_day__gte=first,
                              first_day__lte=last).exclude(pk__in=[a.pk for a in stored])
        first, last, touched = _touching(stored, start, end)
    days = days_between(patient, course.add_days(first, -before), course.add_days(last, after))
    hits: dict[str, dict[date, rules.Finding]] = {}
    for day in days.values():
        if first <= day.date <= last:
            for finding in episodes.strongest(rules.evaluate_on(day, days, settings)):
                hits.setdefault(finding.code, {})[day.date] = finding
    now = timezone.now()
    for code in {*hits, *touched}:
        old = touched.get(code, [])
        held = [a for a in old if a.resolved_at is None]
        lo = min([start, *(a.first_day for a in held)])
        hi = max([end, *(a.last_day for a in held)])
        frozen = [(a.first_day, a.last_day) for a in held if a.acknowledged_at is not None]
        logged = [d for d in days if lo <= d <= hi]
        new = episodes.build(code, logged, hits.get(code, {}), frozen)
        _reconcile(patient, defaults[code], new, old, now)


def _touching(stored: list[Alert], start: date, end: date) -> tuple[date, date, dict[str, list[Alert]]]:
    """The episodes of each rule that a change to the days from `start` to `end` may alter: those
    overlapping them, and the nearest before and after (which the change may join or split), with
    the first and last day they reach."""
    by_rule: dict[str, list[Alert]] = {}
    for alert in sorted(stored, key=lambda a: (a.first_day, a.created_at)):
        by_rule.setdefault(alert.rule_code, []).append(alert)
    touched = {}
    for code, alerts in by_rule.items():
        held = [a for a in alerts if a.resolved_at is None]
        earlier = sorted((a for a in held if a.last_day < start), key=lambda a: a.last_day)
        later = [a for a in held if a.first_day > end]
        touched[code] = [a for a in alerts if a.last_day >= start and a.first_day <= end] + earlier[-1:] + later[:1]
    # Withdrawn episodes are there to be reopened, not to widen what is evaluated.
    held = [a for alerts in touched.values() for a in alerts if a.resolved_at is None]
    first = min([start, *(a.first_day for a in held)])
    last = max([end, *(a.last_day for a in held)])
    return first, last, touched


def episode_values(rule: Rule, episode: episodes.Episode) -> dict:
    """An episode's fields as an Alert row stores them."""
    anchor = episode.anchors[0] if episode.anchors and episode.code != "pregnancy-risk" else rule.learn_anchor
    signs = None
    if episode.code in SIGN_RULES:
        ticked = {*episode.anchors, *episode.worst_anchors}
        signs = [code for code in Symptom.values if code in ticked]
    return {
        "first_day": episode.first_day, "last_day": episode.last_day, "days": episode.days,
        "severity": episode.severity, **rule_texts(rule),
        **in_languages(detail=_detail(episode.code, episode.latest, episode.anchors),
                       worst=_detail(episode.code, episode.worst, episode.worst_anchors)),
        "learn_url": learn_url(rule.learn_slug, anchor), "signs": signs,
    }


def _reconcile(patient: Patient, rule: Rule, new: list[episodes.Episode], old: list[Alert], now) -> None:
    """Write the episodes of one rule over the old rows: a row overlapping a new episode becomes it
    (so an acknowledgement and the notifications stay with the days they were about), a new
    episode overlapping none is a new row, and a row left over is resolved."""
    unused = list(old)
    for episode in new:
        overlapping = [a for a in unused if a.first_day <= episode.last_day and a.last_day >= episode.first_day]
        alert = min(overlapping, default=None,
                    key=lambda a: (a.resolved_at is not None, a.first_day != episode.first_day, a.created_at))
        values = {**episode_values(rule, episode), "resolved_at": None}
        if alert is None:
            # Who is told is the rule's route when the finding is raised: a later change to the
            # rule applies to new findings, not to this one.
            Alert.objects.create(patient=patient, rule_code=episode.code, notify=rule.notify_for(episode.severity),
                                 **values)
            continue
        unused.remove(alert)
        changed = [name for name, value in values.items() if getattr(alert, name) != value]
        for name in changed:
            setattr(alert, name, values[name])
        if changed:  # an unchanged episode costs no write (and no audit row)
            alert.save(update_fields=changed)
    for alert in unused:
        if alert.resolved_at is not None:
            continue
        alert.resolved_at = now
        alert.save(update_fields=["resolved_at"])


def entry_save(*, entry: DiaryEntry, previous_date=None, by_staff: bool = False) -> DiaryEntry:
    """Save a diary entry and bring the alerts of the days around it (and around `previous_date`,
    when an edit moved it) up to date, in one transaction. `by_staff`: a superuser's change in the
    admin, which the audit trail records (a patient's own writes are the record itself)."""
    # Settings, not the patient's record: read before the transaction takes the write lock, so
    # that concurrent writers (SQLite runs one at a time) wait as briefly as possible.
    rule_settings = rule_settings_for(entry.patient)
    with transaction.atomic(), staff_write() if by_staff else patient_write():
        lock_patients([entry.patient_id])
        entry.save()
        episodes_sync(entry.patient, sorted({entry.date, previous_date or entry.date}), rule_settings)
    return entry


def entry_delete(*, entry: DiaryEntry, by_staff: bool = False) -> None:
    """Delete an entry. A missing day does not end an episode; an episode left with no day is
    resolved and stays on record for the clinician."""
    rule_settings = rule_settings_for(entry.patient)
    with transaction.atomic(), staff_write() if by_staff else patient_write():
        lock_patients([entry.patient_id])
        entry.delete()
        episodes_sync(entry.patient, [entry.date], rule_settings)


# --- Course: mood checks and pregnancy tests ----------------------------------------------------


def _raise(patient: Patient, rule: Rule, *, source: str, on, detail: str) -> Alert:
    """Raise (or keep) the alert of one course rule for one source, e.g. a mood check. One that was
    resolved opens again: its condition has returned (a missed test whose patient was marked unable
    to become pregnant and then able again)."""
    severity = Severity.URGENT if rule.code in LOCKED_RULES else rule.severity
    alert, created = Alert.objects.get_or_create(
        patient=patient,
        rule_code=rule.code,
        source=source,
        defaults={
            "first_day": on, "last_day": on,
            "severity": severity, "notify": rule.notify_for(severity),
            **rule_texts(rule), **in_languages(detail=detail),
            "learn_url": learn_url(rule.learn_slug, rule.learn_anchor),
        },
    )
    if not created and alert.resolved_at is not None:
        alert.resolved_at = None
        alert.save(update_fields=["resolved_at"])
    return alert


def mood_check_save(*, patient: Patient, answers: list[int | None], on) -> MoodCheck:
    """Store a PHQ-2 or PHQ-9 with its total and band, and raise the PHQ alerts it calls for."""
    settings, rules_by_code = rule_settings_for(patient)
    thresholds = {code: s.threshold for code, s in settings.items() if s.enabled}
    with transaction.atomic():
        lock_patients([patient.pk])
        check = MoodCheck.objects.create(
            patient=patient, date=on, total=sum(a for a in answers if a is not None), band=course.phq_band(answers),
            **{f"q{i}": answer for i, answer in enumerate(answers, start=1)},
        )
        for code, detail in course.phq_findings(answers, thresholds):
            _raise(patient, rules_by_code[code], source=f"mood-check:{check.pk}", on=on, detail=detail)
    return check


def pregnancy_test_save(*, test: PregnancyTest) -> None:
    with transaction.atomic():
        lock_patients([test.patient_id])
        test.save()
        if test.result == PregnancyTest.Result.POSITIVE:
            rule = Rule.objects.get(code="pregnancy-positive")
            _raise(test.patient, rule, source=f"pregnancy-test:{test.pk}", on=test.date,
                   detail=rules.worded(_("Positive test on %(day)s"), day=day_label_lazy(test.date)))
        course_alerts_sync(test.patient, test.patient.today())


def patient_record_delete(*, record: MoodCheck | PregnancyTest) -> None:
    """A superuser deletes a mood check or a pregnancy test in the admin. The alerts it raised stay
    on record for the clinician; the missed-test warning follows the tests that are left."""
    with transaction.atomic():
        lock_patients([record.patient_id])
        record.delete()
        course_alerts_sync(record.patient, record.patient.today())


def course_alerts_sync(patient: Patient, today) -> course.TestDue | None:
    """Raise `pregnancy-test-due` for a missed test; resolve it once the test is logged, the course
    dates change, or the patient can no longer become pregnant. Run on each write path that can
    change it (a test logged, the profile or the patient admin saved) and by the scheduled
    send_reminders, never while a page is shown: a test becomes missed as the days pass."""
    with translation.override("en"):  # its reason goes into the stored detail, in English as _detail
        due = selectors.next_pregnancy_test(patient, today)
    source = f"test-due:{due.due.isoformat()}" if due and due.missed(today) else None
    open_alerts = dict(
        Alert.objects.filter(patient=patient, rule_code="pregnancy-test-due").unresolved().values_list("source", "pk")
    )
    if source and source not in open_alerts:
        rule = Rule.objects.filter(code="pregnancy-test-due", enabled=True).first()
        if rule is not None:
            detail = rules.worded(_("Test due %(day)s (%(reason)s)"), day=day_label_lazy(due.due), reason=due.reason)
            _raise(patient, rule, source=source, on=due.due, detail=detail)
    stale = [pk for open_source, pk in open_alerts.items() if open_source != source]
    if stale:
        Alert.objects.filter(pk__in=stale).update(resolved_at=timezone.now())
    return due


# The patient's fields that decide which pregnancy test is due.
PREGNANCY_TEST_FIELDS = {"can_become_pregnant", "course_start", "course_end"}


def patient_create(*, user: AbstractBaseUser, time_zone: str, language: str = Language.ENGLISH) -> Patient:
    """A new patient's record, at sign-up: nothing of theirs exists yet to lock."""
    return Patient.objects.create(user=user, time_zone=time_zone, language=language)


def patient_language_set(*, patient: Patient, language: str) -> Patient:
    """The patient's choice on the language switch: their profile keeps it."""
    with transaction.atomic():
        lock_patients([patient.pk])
        patient.language = language
        patient.save(update_fields=["language"])
    return patient


def patient_save(*, patient: Patient, changed: list[str]) -> Patient:
    """Save a patient's record (their profile or contraception, or the clinician's course fields in
    the admin); when it changes which pregnancy test is due, the missed-test warning follows at once."""
    with transaction.atomic():
        lock_patients([patient.pk])
        patient.save()
        if PREGNANCY_TEST_FIELDS.intersection(changed):
            course_alerts_sync(patient, patient.today())
    return patient


def rule_override_save(*, override: RuleOverride, set_by: AbstractBaseUser) -> RuleOverride:
    """A clinician's threshold for one patient, with who set it."""
    with transaction.atomic():
        lock_patients([override.patient_id])
        override.set_by = set_by
        override.save()
    return override


def missed_tests_sync() -> int:
    """course_alerts_sync for the patients whose warning the passing days can change: those with a
    missed-test warning still open, and those who can become pregnant, have a course start (without
    one no test is ever late) and are not past their last test (a negative test a month after the
    course end; 31 days covers every month). Returns how many patients it looked at."""
    finished = Exists(PregnancyTest.objects.filter(
        patient=OuterRef("pk"), result=PregnancyTest.Result.NEGATIVE,
        date__gte=ExpressionWrapper(OuterRef("course_end") + timedelta(days=31), output_field=DateField()),
    ))
    open_warning = Exists(Alert.objects.filter(patient=OuterRef("pk"), rule_code="pregnancy-test-due").unresolved())
    patients = Patient.objects.filter(
        open_warning | (Q(can_become_pregnant=True, course_start__isnull=False) & ~finished)
    )
    count = 0
    for patient in patients:
        with transaction.atomic():
            lock_patients([patient.pk])
            course_alerts_sync(patient, patient.today())
        count += 1
    return count


# --- Clinicians: acknowledging alerts ----------------------------------------------------------


@dataclasses.dataclass
class Acknowledged:
    """What an acknowledgement did: the alerts it acknowledged, and those someone had acknowledged
    first (each with who and when), which it left as they were."""

    now: list[Alert]
    earlier: list[Alert]


ACKNOWLEDGE_FIELDS = ["acknowledged_by", "acknowledged_at", "outcome", "note"]


def acknowledge(*, alerts: QuerySet[Alert], user: AbstractBaseUser, outcome: str, note: str = "") -> Acknowledged:
    """Record who acknowledged these alerts, when, with what outcome and note. An alert counts once:
    each is a conditional update (only while it is not acknowledged), so of two clinicians acting at
    the same moment the first keeps their outcome and note and the second is told who it was. Each
    acknowledgement gets its own audit row (outcome and note included), as a saved change would."""
    result = Acknowledged(now=[], earlier=[])
    alerts = alerts.to_clinician()  # findings for the patient only are not open items: left as they are
    with transaction.atomic():
        lock_patients(alerts.values_list("patient_id", flat=True))
        for alert in alerts.select_related("acknowledged_by").order_by("pk"):
            values = {"acknowledged_by": user, "acknowledged_at": timezone.now(), "outcome": outcome, "note": note}
            if not Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(**values):
                alert.refresh_from_db(fields=ACKNOWLEDGE_FIELDS)
                result.earlier.append(alert)
                continue
            before = copy.copy(alert)
            for name, value in values.items():
                setattr(alert, name, value)
            LogEntry.objects.log_create(alert, action=LogEntry.Action.UPDATE,
                                        changes=model_instance_diff(before, alert, ACKNOWLEDGE_FIELDS))
            result.now.append(alert)
    return result
