"""Per-patient version numbers kept by the database, and what each process caches under them.

- Patient.data_version rises with every write to the patient row and to the patient's entries,
  alerts, mood checks and pregnancy tests. The dashboard body and the diary pages are rendered
  once per version (and day, or page).
- Patient.rules_version rises with every change to the rules (for every patient) and to the
  patient's own threshold overrides. A patient's rule settings are read once per version.

Database triggers keep both, so no write path can miss one: the diary, the admin (acknowledging,
superuser edits), bulk updates and cascading deletes alike; and neither can go back, even when a
stale Patient object is saved. The versions are read with the patient on every request, so
anything cached under them is never stale and the cache can be local to each worker process.

The triggers are (re)installed after every `migrate`: SQLite drops a table's triggers when a
migration rebuilds the table, and installing the current definitions each time means a change
here needs no migration."""

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.core.cache import cache
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

if TYPE_CHECKING:
    from .models import Patient

T = TypeVar("T")
CACHE_SECONDS = 6 * 60 * 60
DATA_TABLES = ["core_diaryentry", "core_alert", "core_moodcheck", "core_pregnancytest"]
OPERATIONS = ["insert", "update", "delete"]
VERSIONED_TABLES = [*DATA_TABLES, "core_ruleoverride", "core_rule"]

# --- SQLite ---------------------------------------------------------------------------------------
# Triggers are dropped and created again, so that the definitions below are always the ones in force.
# Recursive triggers are off in SQLite: core_patient_version's own UPDATE does not fire it again; the
# UPDATE of another trigger does, and it still adds exactly one.


def _sqlite_triggers(table: str, column: str, per_patient: bool = True) -> list[str]:
    """Raise `column` of the row's patient (or of every patient) on each insert, update and delete."""
    statements = []
    for op, rows in (("insert", "= NEW.patient_id"), ("update", "IN (OLD.patient_id, NEW.patient_id)"),
                     ("delete", "= OLD.patient_id")):
        where = f" WHERE id {rows}" if per_patient else ""
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_version_{op}",
            # S608/B608 below: every name in this SQL comes from this module's constants.
            f"CREATE TRIGGER {table}_version_{op} AFTER {op.upper()} ON {table} "  # noqa: S608  # nosec B608
            f"BEGIN UPDATE core_patient SET {column} = {column} + 1{where}; END",
        ]
    return statements


SQLITE = [
    "DROP TRIGGER IF EXISTS core_patient_version",
    """CREATE TRIGGER core_patient_version AFTER UPDATE ON core_patient BEGIN
         UPDATE core_patient SET data_version = OLD.data_version + 1,
                                 rules_version = MAX(OLD.rules_version, NEW.rules_version)
         WHERE id = NEW.id;
       END""",
    *(sql for table in DATA_TABLES for sql in _sqlite_triggers(table, "data_version")),
    *_sqlite_triggers("core_ruleoverride", "rules_version"),
    *_sqlite_triggers("core_rule", "rules_version", per_patient=False),
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_patient_version",
    *(f"DROP TRIGGER IF EXISTS {table}_version_{op}" for table in VERSIONED_TABLES for op in OPERATIONS),
]

# --- PostgreSQL -----------------------------------------------------------------------------------


def _pg_function(name: str, column: str, per_patient: bool = True) -> str:
    """A trigger function raising `column` of the row's patient (or of every patient)."""
    update = f"UPDATE core_patient SET {column} = {column} + 1"  # noqa: S608  # nosec B608
    if not per_patient:
        body = f"{update};"
    else:
        body = f"""IF TG_OP <> 'INSERT' THEN {update} WHERE id = OLD.patient_id; END IF;
         IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.patient_id <> OLD.patient_id) THEN
           {update} WHERE id = NEW.patient_id;
         END IF;"""
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {body}
         RETURN NULL;
       END $$"""


def _pg_trigger(table: str, function: str, level: str = "ROW") -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_version ON {table}",
        f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH {level} EXECUTE FUNCTION {function}()",
    ]


POSTGRESQL = [
    # A BEFORE trigger sets the patient row's versions itself, whatever the UPDATE wrote.
    """CREATE OR REPLACE FUNCTION core_patient_version() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.data_version := OLD.data_version + 1;
         NEW.rules_version := GREATEST(OLD.rules_version, NEW.rules_version);
         RETURN NEW;
       END $$""",
    "DROP TRIGGER IF EXISTS core_patient_version ON core_patient",
    "CREATE TRIGGER core_patient_version BEFORE UPDATE ON core_patient FOR EACH ROW "
    "EXECUTE FUNCTION core_patient_version()",
    _pg_function("core_patient_data_version", "data_version"),
    *(sql for table in DATA_TABLES for sql in _pg_trigger(table, "core_patient_data_version")),
    _pg_function("core_patient_override_version", "rules_version"),
    *_pg_trigger("core_ruleoverride", "core_patient_override_version"),
    # A statement trigger: one UPDATE of every patient however many rules a statement changes.
    _pg_function("core_patient_rules_version", "rules_version", per_patient=False),
    *_pg_trigger("core_rule", "core_patient_rules_version", level="STATEMENT"),
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_version ON {table}" for table in VERSIONED_TABLES),
    "DROP TRIGGER IF EXISTS core_patient_version ON core_patient",
    *(
        f"DROP FUNCTION IF EXISTS {name}()"
        for name in ["core_patient_version", "core_patient_data_version", "core_patient_override_version",
                     "core_patient_rules_version"]
    ),
]

STATEMENTS = {"sqlite": (SQLITE, SQLITE_DROP), "postgresql": (POSTGRESQL, POSTGRESQL_DROP)}


def _execute(connection: BaseDatabaseWrapper, install: bool) -> None:
    if connection.vendor not in STATEMENTS:
        raise RuntimeError(f"isodiary runs on SQLite or PostgreSQL, not {connection.vendor}")
    with connection.cursor() as cursor:
        for sql in STATEMENTS[connection.vendor][0 if install else 1]:
            cursor.execute(sql)


def install_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, install=True)


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, install=False)


def install_after_migrate(sender, using, **kwargs) -> None:
    """post_migrate: install the triggers once the version columns exist (idempotent)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "core_patient")}
    if {"data_version", "rules_version"} <= columns:
        install_triggers(connection)


# --- The caches -----------------------------------------------------------------------------------


def _cached(key: str, make: Callable[[], T]) -> T:
    result = cache.get(key)
    if result is None:
        result = make()
        cache.set(key, result, CACHE_SECONDS)
    return result


def patient_fragment(kind: str, patient: "Patient", variant: str, render: Callable[[], T]) -> T:
    """What `render` makes from this patient's data (HTML), made once per data version.

    `variant` names everything else the result depends on (the day, a page number). `render` must
    read only this patient's rows, the variant and settings: nothing of the request."""
    return _cached(f"fragment:{kind}:{patient.pk}:{patient.data_version}:{variant}", render)


def patient_rules(patient: "Patient", read: Callable[[], T]) -> T:
    """The patient's rule settings as `read` reads them, read once per rules version."""
    return _cached(f"rules:{patient.pk}:{patient.rules_version}", read)
