from django.db import migrations

# The triggers that kept the two columns. Dropped before the columns go: a trigger left behind
# would update a column that no longer exists.
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
    """The per-patient page cache is gone (pages render from the database every time), and with it
    the data and rules versions its keys were made of, and their triggers."""

    dependencies = [("core", "0006_patient_data_version")]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.RemoveField(model_name="patient", name="data_version"),
        migrations.RemoveField(model_name="patient", name="rules_version"),
    ]
