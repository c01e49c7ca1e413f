"""Weight in pounds or kilograms (issue 19): the unit the patient types and reads, the weight still
stored once in kilograms, now to 0.01 kg so that a weight typed in pounds reads back as typed.

Existing patients gave their weight in kilograms: their rows get "kg"; new patients start in pounds."""

import importlib

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import migrations, models

# SQLite rebuilds core_patient for these fields. The page cache's triggers (0007, 0008y) name that
# table, and SQLite refuses the rebuild while they do: dropped first, installed again last.
triggers = importlib.import_module("core.migrations.0007_patient_version_triggers")
assignment = importlib.import_module("core.migrations.0008y_alert_episodes_finish")


def drop_triggers(apps, schema_editor):
    assignment.drop_assignment_triggers(apps, schema_editor)
    triggers.drop_triggers(apps, schema_editor)


def install_triggers(apps, schema_editor):
    triggers.install_triggers(apps, schema_editor)
    assignment.install_assignment_triggers(apps, schema_editor)


UNITS = [("lb", "lb"), ("kg", "kg")]


class Migration(migrations.Migration):
    dependencies = [("core", "0012_rate_counts")]

    operations = [
        migrations.RunPython(drop_triggers, install_triggers),
        migrations.AddField(
            model_name="patient",
            name="weight_unit",
            field=models.CharField(choices=UNITS, default="kg", max_length=2, verbose_name="weight unit"),
        ),
        migrations.AlterField(
            model_name="patient",
            name="weight_unit",
            field=models.CharField(choices=UNITS, default="lb", max_length=2, verbose_name="weight unit"),
        ),
        migrations.AlterField(
            model_name="patient",
            name="weight_kg",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=5, null=True,
                validators=[MinValueValidator(20), MaxValueValidator(300)], verbose_name="weight (kg)",
            ),
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
