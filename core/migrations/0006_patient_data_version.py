from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    from core.versions import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    """The patient's data and rules versions. Their triggers are installed after every migrate
    (core/versions.py); going back past this migration drops them with the columns."""

    dependencies = [("core", "0005_alert_indexes")]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="data_version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="patient",
            name="rules_version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        # Last, so that going back drops the triggers before the columns they use.
        migrations.RunPython(migrations.RunPython.noop, drop_triggers),
    ]
