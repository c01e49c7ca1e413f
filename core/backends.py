from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ModelBackendWithPatient(ModelBackend):
    """Django's ModelBackend, loading a signed-in user together with their patient profile: nearly
    every patient page needs both, so one query instead of two. (The name is stored in every
    session: renaming the class would sign everyone out.)"""

    def get_user(self, user_id):
        try:
            user = get_user_model().objects.select_related("patient").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
