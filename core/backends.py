from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router

from .models import Patient

UserModel = get_user_model()


@cache
def _permissions_sql() -> str:
    """A user's own and their groups' permissions as (app label, codename): what ModelBackend reads
    with two ORM queries, as one fixed statement (every admin page asks, and building the ORM
    queries cost more than running them). Table names come from the models."""
    table = {name: model._meta.db_table for name, model in [
        ("permission", Permission), ("content_type", ContentType),
        ("user_permissions", UserModel.user_permissions.through), ("group_permissions", Group.permissions.through),
        ("user_groups", UserModel.groups.through),
    ]}
    return (
        f"SELECT ct.app_label, p.codename FROM {table['permission']} p "  # noqa: S608  # nosec B608 - model tables
        f"JOIN {table['content_type']} ct ON ct.id = p.content_type_id WHERE p.id IN ("
        f"SELECT up.permission_id FROM {table['user_permissions']} up WHERE up.user_id = %s UNION "
        f"SELECT gp.permission_id FROM {table['group_permissions']} gp "
        f"JOIN {table['user_groups']} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)"
    )


class UserLoader:
    """What `User.objects.select_related("patient").get(pk=…)` returns, read with one fixed
    statement. Every signed-in request loads its user; building that query with the ORM cost
    ~0.5 ms, twenty times running it. The row is turned into objects the way the ORM does it: the
    database's converters for each column, Model.from_db, and both sides of the one-to-one cached
    (a user without a patient profile gets the ORM's cached "none", so .patient raises without a
    query). tests/test_backends.py compares the result with the ORM's, field by field."""

    def __init__(self, connection):
        quote = connection.ops.quote_name
        self.user_fields = UserModel._meta.concrete_fields
        self.patient_fields = Patient._meta.concrete_fields
        cols = [f.get_col("u") for f in self.user_fields] + [f.get_col("p") for f in self.patient_fields]
        self.sql = (
            f"SELECT {', '.join(f'{c.alias}.{quote(c.target.column)}' for c in cols)} "  # noqa: S608  # nosec B608
            f"FROM {quote(UserModel._meta.db_table)} u LEFT JOIN {quote(Patient._meta.db_table)} p "
            f"ON p.{quote(Patient.user.field.column)} = u.{quote(UserModel._meta.pk.column)} "
            f"WHERE u.{quote(UserModel._meta.pk.column)} = %s"
        )
        self.converters = [
            (i, col, converters) for i, col in enumerate(cols)
            if (converters := connection.ops.get_db_converters(col) + col.get_db_converters(connection))
        ]
        self.patient_pk = len(self.user_fields) + self.patient_fields.index(Patient._meta.pk)
        self.user_names = [f.attname for f in self.user_fields]
        self.patient_names = [f.attname for f in self.patient_fields]

    def load(self, connection, user_id):
        """The user with this id, their patient profile attached (or None), on this thread's connection."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for i, col, converters in self.converters:
            for converter in converters:
                row[i] = converter(row[i], col, connection)
        n = len(self.user_names)
        user = UserModel.from_db(connection.alias, self.user_names, row[:n])
        patient = None
        if row[self.patient_pk] is not None:
            patient = Patient.from_db(connection.alias, self.patient_names, row[n:])
            Patient.user.field.set_cached_value(patient, user)
        UserModel.patient.related.set_cached_value(user, patient)
        return user


_loaders = {}  # by database alias: the statement and converters, never a connection (those are per thread)


def load_user_with_patient(user_id):
    connection = connections[router.db_for_read(UserModel)]
    if connection.alias not in _loaders:
        _loaders[connection.alias] = UserLoader(connection)
    return _loaders[connection.alias].load(connection, user_id)


class ModelBackendWithPatient(ModelBackend):
    """Django's ModelBackend, loading the user and their patient profile with one fixed statement
    (nearly every patient page needs both) and a staff user's own and group permissions with
    another, where the ORM would build two queries (every admin page asks)."""

    def get_user(self, user_id):
        user = load_user_with_patient(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if (user_obj.is_active and not user_obj.is_anonymous and not user_obj.is_superuser and obj is None
                and not hasattr(user_obj, "_perm_cache")):
            with connections[router.db_for_read(Permission)].cursor() as cursor:
                cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                user_obj._perm_cache = {f"{app}.{codename}" for app, codename in cursor.fetchall()}
        return super().get_all_permissions(user_obj, obj)
