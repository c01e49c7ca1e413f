from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.models import Patient, is_clinician


class Command(BaseCommand):
    help = "Assign a patient to a clinician. A patient may have several clinicians."

    def add_arguments(self, parser):
        parser.add_argument("patient_username")
        parser.add_argument("clinician_username")

    def handle(self, *args, patient_username: str, clinician_username: str, **options):
        User = get_user_model()
        patient_user = User.objects.filter(username=patient_username).first()
        if patient_user is None:
            raise CommandError(f"No user named {patient_username!r}.")
        clinician = User.objects.filter(username=clinician_username).first()
        if clinician is None:
            raise CommandError(f"No user named {clinician_username!r}.")
        if patient_user.is_staff:
            raise CommandError(f"{patient_username!r} is a staff account, not a patient.")
        if not is_clinician(clinician):
            raise CommandError(
                f"{clinician_username!r} is not a clinician. Create one with: manage.py createclinician"
            )
        patient, _ = Patient.objects.get_or_create(user=patient_user)
        if patient.clinicians.filter(pk=clinician.pk).exists():
            self.stdout.write(f"{patient_username!r} is already assigned to {clinician_username!r}.")
            return
        patient.clinicians.add(clinician)
        self.stdout.write(self.style.SUCCESS(f"{patient_username!r} is now assigned to {clinician_username!r}."))
