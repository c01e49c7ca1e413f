"""Per-patient page fragments, cached under the patient's data version.

Patient.data_version rises with every write to the patient row and to the patient's entries,
alerts, mood checks and pregnancy tests. Database triggers keep it, so no write path can miss it:
the diary, the admin (acknowledging, superuser edits), bulk updates and cascading deletes alike.
A fragment cached under (patient, version, day) is therefore never stale, and the cache can be
local to each worker process: the version is read from the database with the patient on every
request. The triggers are installed by migration 0006 and again after every `migrate`, because
SQLite drops a table's triggers when a later migration rebuilds that table."""

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.core.cache import cache
from django.db.backends.base.base import BaseDatabaseWrapper

if TYPE_CHECKING:
    from .models import Patient

T = TypeVar("T")

FRAGMENT_SECONDS = 6 * 60 * 60
CHILD_TABLES = ["core_diaryentry", "core_alert", "core_moodcheck", "core_pregnancytest"]
OPERATIONS = ["insert", "update", "delete"]

# The SQL below is built from CHILD_TABLES, constants of this module: no input ever reaches it.


def _sqlite_child(table: str) -> list[str]:
    bump = "UPDATE core_patient SET data_version = data_version + 1 WHERE id"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_version_insert AFTER INSERT ON {table} "
        f"BEGIN {bump} = NEW.patient_id; END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_version_update AFTER UPDATE ON {table} "
        f"BEGIN {bump} IN (OLD.patient_id, NEW.patient_id); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_version_delete AFTER DELETE ON {table} "
        f"BEGIN {bump} = OLD.patient_id; END",
    ]


# SQLite: recursive triggers are off by default, so core_patient_version's own UPDATE does not
# fire it again; a child trigger's UPDATE does fire it, and the two still add exactly one.
SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS core_patient_version AFTER UPDATE ON core_patient
       BEGIN UPDATE core_patient SET data_version = OLD.data_version + 1 WHERE id = NEW.id; END""",
    *(sql for table in CHILD_TABLES for sql in _sqlite_child(table)),
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_patient_version",
    *(f"DROP TRIGGER IF EXISTS {table}_version_{op}" for table in CHILD_TABLES for op in OPERATIONS),
]

# PostgreSQL: a BEFORE trigger sets the patient row's version itself, whatever the UPDATE wrote.
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION core_patient_version() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN NEW.data_version := OLD.data_version + 1; RETURN NEW; END $$""",
    "DROP TRIGGER IF EXISTS core_patient_version ON core_patient",
    """CREATE TRIGGER core_patient_version BEFORE UPDATE ON core_patient
       FOR EACH ROW EXECUTE FUNCTION core_patient_version()""",
    """CREATE OR REPLACE FUNCTION core_patient_child_version() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'INSERT' THEN
           UPDATE core_patient SET data_version = data_version + 1 WHERE id = OLD.patient_id;
         END IF;
         IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.patient_id <> OLD.patient_id) THEN
           UPDATE core_patient SET data_version = data_version + 1 WHERE id = NEW.patient_id;
         END IF;
         RETURN NULL;
       END $$""",
    *(
        sql
        for table in CHILD_TABLES
        for sql in (
            f"DROP TRIGGER IF EXISTS {table}_version ON {table}",
            f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION core_patient_child_version()",
        )
    ),
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_version ON {table}" for table in CHILD_TABLES),
    "DROP TRIGGER IF EXISTS core_patient_version ON core_patient",
    "DROP FUNCTION IF EXISTS core_patient_child_version()",
    "DROP FUNCTION IF EXISTS core_patient_version()",
]

STATEMENTS = {"sqlite": (SQLITE, SQLITE_DROP), "postgresql": (POSTGRESQL, POSTGRESQL_DROP)}


def _execute(connection: BaseDatabaseWrapper, install: bool) -> None:
    if connection.vendor not in STATEMENTS:
        raise RuntimeError(f"isodiary runs on SQLite or PostgreSQL, not {connection.vendor}")
    statements = STATEMENTS[connection.vendor][0 if install else 1]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, install=True)


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, install=False)


def reinstall_after_migrate(sender, using, plan=None, **kwargs) -> None:
    """post_migrate: put back triggers a table rebuild dropped (idempotent)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if ("core", "0006_patient_data_version") in applied:
        install_triggers(connection)


def patient_fragment(kind: str, patient: "Patient", variant: str, render: Callable[[], T]) -> T:
    """What `render` makes from this patient's data (HTML), made once per data version.

    `variant` names everything else the result depends on (the day, a page number). `render` must
    read only this patient's rows, the variant and settings: nothing of the request."""
    key = f"fragment:{kind}:{patient.pk}:{patient.data_version}:{variant}"
    result = cache.get(key)
    if result is None:
        result = render()
        cache.set(key, result, FRAGMENT_SECONDS)
    return result
