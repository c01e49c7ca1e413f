"""Issue 22: the entry's answer to "Anything unusual today?".

Entries written before the question stay blank ("not asked"), except those with a red-flag sign
ticked: their patient did report something unusual that day, and the form now stores every entry
with a sign as "yes". Nothing is guessed for the others: an entry without a sign may still have
held something unusual in its notes. Self-contained (no app imports).

Adding the column and its constraint rebuilds the table on SQLite, which drops the page cache's
triggers on it: they are installed again, as 0008 does.
"""

import importlib

from django.db import migrations, models

reinstall_triggers = importlib.import_module("core.migrations.0008_alert_episodes").reinstall_triggers


def answer_yes_where_signs_were_ticked(apps, schema_editor):
    DiaryEntry = apps.get_model("core", "DiaryEntry")
    DiaryEntry.objects.exclude(symptoms=[]).update(anything_unusual="yes")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0015_safety_review"),
    ]

    operations = [
        # Backwards, last: the reversed operations below rebuild the table again.
        migrations.RunPython(migrations.RunPython.noop, reinstall_triggers),
        migrations.AddField(
            model_name="diaryentry",
            name="anything_unusual",
            field=models.CharField(blank=True, choices=[("yes", "Yes"), ("no", "No")], max_length=3,
                                   verbose_name="anything unusual today?"),
        ),
        migrations.AddConstraint(
            model_name="diaryentry",
            constraint=models.CheckConstraint(condition=models.Q(("anything_unusual__in", ["", "yes", "no"])),
                                              name="entry_anything_unusual_choice"),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
        migrations.RunPython(answer_yes_where_signs_were_ticked, migrations.RunPython.noop),
    ]
