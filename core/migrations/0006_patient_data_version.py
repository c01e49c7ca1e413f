from django.db import migrations, models

# The triggers that kept the two columns (installed after migrate by the code of the time), dropped
# when going back past this migration. Frozen here: the code that made them is gone.
DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS core_patient_version",
        *(
            f"DROP TRIGGER IF EXISTS {table}_version_{op}"
            for table in ["core_diaryentry", "core_alert", "core_moodcheck", "core_pregnancytest",
                          "core_ruleoverride", "core_rule"]
            for op in ["insert", "update", "delete"]
        ),
    ],
    "postgresql": [
        *(
            f"DROP TRIGGER IF EXISTS {table}_version ON {table}"
            for table in ["core_diaryentry", "core_alert", "core_moodcheck", "core_pregnancytest",
                          "core_ruleoverride", "core_rule", "core_patient"]
        ),
        *(
            f"DROP FUNCTION IF EXISTS {name}()"
            for name in ["core_patient_version", "core_patient_data_version", "core_patient_override_version",
                         "core_patient_rules_version"]
        ),
    ],
}


def drop_triggers(apps, schema_editor):
    for sql in DROP_TRIGGERS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    """The patient's data and rules versions."""

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
