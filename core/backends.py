from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router

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


class ModelBackendWithPatient(ModelBackend):
    """Django's ModelBackend, loading the patient profile with the user in one query (nearly every
    patient page needs both) and a staff user's own and group permissions in one plain statement
    rather than two ORM queries (every admin page asks)."""

    def get_user(self, user_id):
        # [:1] rather than first(): the key is unique, so no ORDER BY to build on every request
        user = next(iter(UserModel._default_manager.select_related("patient").filter(pk=user_id)[:1]), None)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if (user_obj.is_active and not user_obj.is_anonymous and not user_obj.is_superuser and obj is None
                and not hasattr(user_obj, "_perm_cache")):
            with connections[router.db_for_read(Permission)].cursor() as cursor:
                cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                user_obj._perm_cache = {f"{app}.{codename}" for app, codename in cursor.fetchall()}
        return super().get_all_permissions(user_obj, obj)
