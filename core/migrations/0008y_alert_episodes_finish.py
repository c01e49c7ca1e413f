"""Alerts as episodes, last step: every alert now has its first day, and none points at one entry.

Urgent warnings now tell the patient whether a clinician is assigned: assigning or removing one
raises the patient's data version too (the page cache's key), through triggers on the link table."""

import importlib

from django.db import migrations, models

# Installs the page cache's triggers again: SQLite dropped core_alert's when the table was rebuilt.
reinstall_triggers = importlib.import_module("core.migrations.0008_alert_episodes").reinstall_triggers


def assignment_statements(apps, schema_editor) -> tuple[list[str], list[str]]:
    """(install, drop): a row added to or removed from Patient.clinicians raises that patient's
    data_version (by exactly one: the patient row's own trigger of 0007 sets it from the old row)."""
    q = schema_editor.quote_name
    patient = apps.get_model("core", "Patient")._meta
    link = patient.get_field("clinicians").remote_field.through._meta
    table, pk, version = q(patient.db_table), q(patient.pk.column), q(patient.get_field("data_version").column)
    fk = q(link.get_field("patient").column)
    bump = f"UPDATE {table} SET {version} = {version} + 1"
    if schema_editor.connection.vendor == "sqlite":
        install, drop = [], []
        for op, row in [("insert", "NEW"), ("delete", "OLD")]:
            name = q(f"{link.db_table}_version_{op}")
            install.append(f"CREATE TRIGGER {name} AFTER {op.upper()} ON {q(link.db_table)} "
                           f"BEGIN {bump} WHERE {pk} = {row}.{fk}; END")
            drop.append(f"DROP TRIGGER IF EXISTS {name}")
        return install, drop
    function = q(f"{link.db_table}_version")
    install = [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {bump} WHERE {pk} = NEW.{fk}; ELSE {bump} WHERE {pk} = OLD.{fk}; END IF; "
        f"RETURN NULL; END $$",
        f"CREATE TRIGGER {function} AFTER INSERT OR DELETE ON {q(link.db_table)} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]
    return install, [f"DROP TRIGGER IF EXISTS {function} ON {q(link.db_table)}", f"DROP FUNCTION IF EXISTS {function}()"]


def install_assignment_triggers(apps, schema_editor):
    for sql in assignment_statements(apps, schema_editor)[0]:
        schema_editor.execute(sql)


def drop_assignment_triggers(apps, schema_editor):
    for sql in assignment_statements(apps, schema_editor)[1]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0008x_alert_episodes_data")]

    operations = [
        migrations.AlterField(model_name="alert", name="first_day", field=models.DateField(verbose_name="first day")),
        migrations.RemoveField(model_name="alert", name="entry"),
        migrations.AddIndex(
            model_name="alert", index=models.Index(fields=["patient", "last_day"], name="alert_patient_date"),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(condition=models.Q(first_day__lte=models.F("last_day")),
                                              name="alert_days_in_order"),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
        migrations.RunPython(install_assignment_triggers, drop_assignment_triggers),
    ]
