"""Issue 23: who a finding is for. Rules and alerts get `notify` (patient | digest | now).

Self-contained (frozen values; core/default_rules.py holds the same for fresh installs). Rules:
urgent ones and the safety rules are told at once (`now`); single days of high dryness, sun without
sunscreen and mild sunburn go to the patient only; every other rule to the clinician's digest. A
rule a clinic made urgent stays `now`. Alerts already raised take their rule's route, urgent ones
`now`: open single-day findings leave the queue at the upgrade (they stay on the patient's pages and
the clinician's patient page), which is what makes today's queue one a clinician can finish.
"""

import importlib

from django.db import migrations, models

# Installs the page cache's triggers again: SQLite drops core_alert's when adding a column with a
# default rebuilds the table (see 0007 and tests/test_versions.py).
reinstall_triggers = importlib.import_module("core.migrations.0008_alert_episodes").reinstall_triggers

PATIENT_ONLY = {"dryness-high", "sun-unprotected", "sunburn"}
LOCKED = {"self-harm", "red-flag", "phq9-item9", "pregnancy-positive", "phq2-positive", "pregnancy-risk"}
CHOICES = [
    ("patient", "The patient only (their advice; not the queue, not e-mailed)"),
    ("digest", "Also the clinician: the alert queue and the daily digest"),
    ("now", "Also the clinician at once: e-mail within minutes, escalation"),
]


def forwards(apps, schema_editor):
    Rule = apps.get_model("core", "Rule")
    Alert = apps.get_model("core", "Alert")
    for rule in Rule.objects.all():
        if rule.severity == "urgent" or rule.code in LOCKED:
            notify = "now"
        elif rule.code in PATIENT_ONLY:
            notify = "patient"
        else:
            notify = "digest"
        Rule.objects.filter(pk=rule.pk).update(notify=notify)
        Alert.objects.filter(rule_code=rule.code).update(notify=notify)
    Alert.objects.filter(severity="urgent").update(notify="now")


class Migration(migrations.Migration):
    dependencies = [("core", "0018_email_queued_at")]

    operations = [
        # Backwards, last: removing the column rebuilds the table again.
        migrations.RunPython(migrations.RunPython.noop, reinstall_triggers),
        migrations.AddField(
            model_name="rule",
            name="notify",
            field=models.CharField(
                choices=CHOICES, default="digest", max_length=10, verbose_name="who is told",
                help_text="Applies to new findings; those already raised keep the route they were given.",
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="notify",
            field=models.CharField(choices=CHOICES, default="digest", max_length=10, verbose_name="who is told"),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
