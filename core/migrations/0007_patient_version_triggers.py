"""The per-patient page cache keeps only the data version, with its triggers defined here.

The rules version goes: rule settings are read on each write (they are never on a page), so a
rule edit no longer rewrites every patient row. Every trigger of 0006's time is dropped (their
names are frozen below), then the data-version triggers are installed again, their table and
column names taken from the models' _meta as of this migration."""

from django.db import migrations

OLD_TRIGGERS = {
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
# The patient's own records: a write to any of them changes what the patient's pages show.
RECORDS = ["DiaryEntry", "Alert", "MoodCheck", "PregnancyTest"]


def drop_old_triggers(apps, schema_editor):
    for sql in OLD_TRIGGERS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def statements(apps, schema_editor) -> tuple[list[str], list[str]]:
    """(install, drop) statements for this database."""
    q = schema_editor.quote_name
    patient = apps.get_model("core", "Patient")._meta
    table, pk, version = q(patient.db_table), q(patient.pk.column), q(patient.get_field("data_version").column)
    bump = f"UPDATE {table} SET {version} = {version} + 1"
    install, drop = [], []
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        # AFTER UPDATE on the patient row sets the version from the old row, whatever the UPDATE
        # wrote (a stale object saved cannot move it back). Recursive triggers are off in SQLite:
        # this trigger's own UPDATE does not fire it again; another trigger's UPDATE does, and
        # it still adds exactly one.
        name = q(f"{patient.db_table}_version")
        install.append(f"CREATE TRIGGER {name} AFTER UPDATE ON {table} BEGIN "
                       f"UPDATE {table} SET {version} = OLD.{version} + 1 WHERE {pk} = NEW.{pk}; END")
        drop.append(f"DROP TRIGGER IF EXISTS {name}")
        for model in RECORDS:
            opts = apps.get_model("core", model)._meta
            fk = q(opts.get_field("patient").column)
            for op, rows in [("insert", f"= NEW.{fk}"), ("update", f"IN (OLD.{fk}, NEW.{fk})"),
                             ("delete", f"= OLD.{fk}")]:
                name = q(f"{opts.db_table}_version_{op}")
                install.append(f"CREATE TRIGGER {name} AFTER {op.upper()} ON {q(opts.db_table)} "
                               f"BEGIN {bump} WHERE {pk} {rows}; END")
                drop.append(f"DROP TRIGGER IF EXISTS {name}")
    elif vendor == "postgresql":
        # A BEFORE trigger sets the patient row's version itself, whatever the UPDATE wrote.
        function = q(f"{patient.db_table}_version")
        install += [
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN NEW.{version} := OLD.{version} + 1; RETURN NEW; END $$",
            f"CREATE TRIGGER {function} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
        drop += [f"DROP TRIGGER IF EXISTS {function} ON {table}", f"DROP FUNCTION IF EXISTS {function}()"]
        for model in RECORDS:
            opts = apps.get_model("core", model)._meta
            fk = q(opts.get_field("patient").column)
            function = q(f"{opts.db_table}_version")
            install += [
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP <> 'INSERT' THEN {bump} WHERE {pk} = OLD.{fk}; END IF; "
                f"IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.{fk} <> OLD.{fk}) THEN "
                f"{bump} WHERE {pk} = NEW.{fk}; END IF; RETURN NULL; END $$",
                f"CREATE TRIGGER {function} AFTER INSERT OR UPDATE OR DELETE ON {q(opts.db_table)} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()",
            ]
            drop += [f"DROP TRIGGER IF EXISTS {function} ON {q(opts.db_table)}", f"DROP FUNCTION IF EXISTS {function}()"]
    else:
        raise RuntimeError(f"isodiary runs on SQLite or PostgreSQL, not {vendor}")
    return install, drop


def install_triggers(apps, schema_editor):
    for sql in statements(apps, schema_editor)[0]:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    for sql in statements(apps, schema_editor)[1]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_patient_data_version")]

    operations = [
        migrations.RunPython(drop_old_triggers, migrations.RunPython.noop),
        migrations.RemoveField(model_name="patient", name="rules_version"),
        # Last: SQLite drops a table's triggers when RemoveField above rebuilds it.
        migrations.RunPython(install_triggers, drop_triggers),
    ]
