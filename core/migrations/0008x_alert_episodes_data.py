"""Existing alerts become episodes, without losing which days they covered.

Before, an entry alert was one day of one rule. Open alerts (neither acknowledged nor resolved) of
one rule on consecutive logged days (days without an entry in between do not count) become one
episode: its first and last day are theirs, its days their number, its latest value the last one's
and its worst value the worst day's. Acknowledged and resolved alerts stay one-day episodes, with
their acknowledgement: a clinician's record of what they saw is not rewritten.

A run rule and its single-day rule (dryness-persistent and dryness-high, say) both fired on the
same days before; now only the stronger of the two holds on a day. After merging, an open episode
of the single-day rule whose days all lie within an open episode of its run rule of equal or higher
severity is resolved: the run rule's episode already says it.

Self-contained: the worst-day measure of each rule, the rule pairs and the severity order are frozen here."""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

LEVEL = {"info": 1, "warning": 2, "urgent": 3}
RUN_RULES = {"dryness-persistent": "dryness-high", "mood-persistent-low": "mood-low"}


def _score(rule_code: str, entry) -> int:
    if entry is None:
        return -1
    if rule_code.startswith("dryness"):
        return max(entry.skin_dryness, entry.lip_dryness, entry.eye_dryness)
    if rule_code.startswith("mood"):
        return 10 - entry.mood
    if rule_code == "sun-unprotected":
        return entry.sun_minutes
    if rule_code == "red-flag":
        return len(entry.symptoms or [])
    return 0


def forwards(apps, schema_editor):
    Alert = apps.get_model("core", "Alert")
    DiaryEntry = apps.get_model("core", "DiaryEntry")
    Alert.objects.filter(first_day__isnull=True).update(first_day=F("last_day"))
    open_alerts = (
        Alert.objects.filter(source="", resolved_at__isnull=True, acknowledged_at__isnull=True)
        .select_related("entry").order_by("patient_id", "rule_code", "last_day", "created_at")
    )
    logged: dict[int, list] = {}
    runs: list[list] = []
    for alert in open_alerts.iterator():
        if alert.patient_id not in logged:
            logged[alert.patient_id] = sorted(
                DiaryEntry.objects.filter(patient_id=alert.patient_id).values_list("date", flat=True)
            )
        run = runs[-1] if runs else None
        if run and (run[-1].patient_id, run[-1].rule_code) == (alert.patient_id, alert.rule_code):
            between = [d for d in logged[alert.patient_id] if run[-1].last_day < d < alert.last_day]
            if not between:
                run.append(alert)
                continue
        runs.append([alert])
    for run in runs:
        if len(run) == 1:
            continue
        keep = min(run, key=lambda a: a.created_at)
        worst = max(enumerate(run), key=lambda pair: (_score(pair[1].rule_code, pair[1].entry), pair[0]))[1]
        days = len({a.last_day for a in run})
        keep.first_day, keep.last_day, keep.days = run[0].last_day, run[-1].last_day, days
        keep.detail, keep.worst = run[-1].detail, worst.detail
        keep.severity, keep.level = run[-1].severity, run[-1].level
        keep.save(update_fields=["first_day", "last_day", "days", "detail", "worst", "severity", "level"])
        Alert.objects.filter(pk__in=[a.pk for a in run if a.pk != keep.pk]).delete()
    Alert.objects.filter(worst="").update(worst=F("detail"))
    _resolve_covered_single_day_episodes(Alert)


def _resolve_covered_single_day_episodes(Alert) -> None:
    now = timezone.now()
    still_open = Alert.objects.filter(source="", resolved_at__isnull=True, acknowledged_at__isnull=True)
    for run_code, single_code in RUN_RULES.items():
        runs = list(still_open.filter(rule_code=run_code))
        covered = [
            single.pk for single in still_open.filter(rule_code=single_code)
            if any(run.patient_id == single.patient_id and run.first_day <= single.first_day
                   and single.last_day <= run.last_day and LEVEL[run.severity] >= LEVEL[single.severity]
                   for run in runs)
        ]
        Alert.objects.filter(pk__in=covered).update(resolved_at=now)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_alert_episodes")]

    # Backwards: the merged days are not split again (the schema goes back; each episode stays one row).
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
