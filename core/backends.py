from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

UserModel = get_user_model()


class ModelBackendWithPatient(ModelBackend):
    """Django's ModelBackend, loading the patient profile with the user in one query (nearly every
    patient page needs both) and a staff user's own and group permissions in one query, not two
    (every admin page asks)."""

    def get_user(self, user_id):
        # [:1] rather than first(): the key is unique, so no ORDER BY to build on every request
        user = next(iter(UserModel._default_manager.select_related("patient").filter(pk=user_id)[:1]), None)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if (user_obj.is_active and not user_obj.is_anonymous and not user_obj.is_superuser and obj is None
                and not hasattr(user_obj, "_perm_cache")):
            perms = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app}.{codename}" for app, codename in perms.values_list("content_type__app_label", "codename")
            }
        return super().get_all_permissions(user_obj, obj)
