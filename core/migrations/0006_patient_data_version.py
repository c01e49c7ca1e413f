from django.db import migrations, models


def install(apps, schema_editor):
    from core.fragments import install_triggers

    install_triggers(schema_editor.connection)


def drop(apps, schema_editor):
    from core.fragments import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    """Patient.data_version, kept by database triggers (see core/fragments.py)."""

    dependencies = [("core", "0005_alert_indexes")]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="data_version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(install, drop),
    ]
