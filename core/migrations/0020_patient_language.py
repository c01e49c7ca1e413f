"""Issue 25: the patient's language (`en` | `es`), for their pages, e-mails and reminders.

SQLite rebuilds the patient table to add a non-null column; the data-version triggers (0007, 0008y)
name that table and stop the rebuild, so they are dropped before and installed again after.
Frozen: no application imports."""

import importlib

from django.db import migrations, models

version_triggers = importlib.import_module("core.migrations.0007_patient_version_triggers")
assignment_triggers = importlib.import_module("core.migrations.0008y_alert_episodes_finish")


def drop_triggers(apps, schema_editor):
    version_triggers.drop_triggers(apps, schema_editor)
    assignment_triggers.drop_assignment_triggers(apps, schema_editor)


def install_triggers(apps, schema_editor):
    version_triggers.install_triggers(apps, schema_editor)
    assignment_triggers.install_assignment_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("core", "0019_rule_notify")]

    operations = [
        migrations.RunPython(drop_triggers, install_triggers),
        migrations.AddField(
            model_name="patient",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("es", "Español")], default="en", max_length=2,
                help_text="The language of your pages, e-mails and reminders.", verbose_name="language",
            ),
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
