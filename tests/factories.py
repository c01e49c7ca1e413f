from datetime import date
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from core.models import CLINICIANS_GROUP, DiaryEntry, Patient

PASSWORD = "correct-horse-battery-staple"
# Every factory patient's time zone. Tests use that patient's day, never the machine's (date.today()
# follows TIME_ZONE, which `make test` sets to UTC+14 for one run).
PATIENT_TIME_ZONE = "UTC"


def patient_today() -> date:
    """Today for a factory patient: Patient.today() of a patient in PATIENT_TIME_ZONE."""
    return timezone.now().astimezone(ZoneInfo(PATIENT_TIME_ZONE)).date()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda p: p.user.username.title())
    time_zone = PATIENT_TIME_ZONE


class ClinicianFactory(UserFactory):
    is_staff = True
    username = factory.Sequence(lambda n: f"clinician{n}")

    @factory.post_generation
    def clinicians_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get_or_create(name=CLINICIANS_GROUP)[0])


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiaryEntry

    patient = factory.SubFactory(PatientFactory)
    date = factory.LazyFunction(patient_today)
    skin_dryness = 2
    lip_dryness = 3
    eye_dryness = 1
    mood = 7
    sun_minutes = 0
    sunscreen = False
    sunburn = "none"
    symptoms = factory.LazyFunction(list)
    notes = ""


def entry_data(**overrides) -> dict:
    """A valid POST body for the entry form."""
    data = {
        "date": patient_today().isoformat(),
        "skin_dryness": "2",
        "lip_dryness": "3",
        "eye_dryness": "1",
        "mood": "7",
        "sun_minutes": "0",
        "sunburn": "none",
        "anything_unusual": "no",
        "notes": "",
    }
    data.update({k: v for k, v in overrides.items() if v is not None})
    return {k: v for k, v in data.items() if v != ...}
