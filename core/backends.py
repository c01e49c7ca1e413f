from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

UserModel = get_user_model()


class ModelBackendWithPatient(ModelBackend):
    """Django's ModelBackend, loading the patient profile with the user in one query: nearly every
    patient page needs both."""

    def get_user(self, user_id):
        user = UserModel._default_manager.select_related("patient").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
