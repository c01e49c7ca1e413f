import random
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from core import services
from core.models import CLINICIANS_GROUP, DiaryEntry, Patient, PregnancyTest

DAYS = 24


class Command(BaseCommand):
    help = (
        "Create demo accounts (a clinician and two patients with a few weeks of entries) and print "
        "their credentials. Safe to run again: it resets the demo passwords and keeps existing entries."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        credentials = []
        with transaction.atomic():
            clinician, password = self._user(User, "dr.demo", "dr.demo@example.com", staff=True)
            clinician.first_name, clinician.last_name = "Dana", "Demo"
            clinician.save(update_fields=["first_name", "last_name"])
            clinician.groups.add(Group.objects.get_or_create(name=CLINICIANS_GROUP)[0])
            credentials.append(("clinician", "dr.demo", password, "/admin/"))
            for username, name, pattern in (("alex", "Alex", _alex), ("sam", "Sam", _sam)):
                user, password = self._user(User, username, f"{username}@example.com", staff=False)
                patient, _ = Patient.objects.get_or_create(user=user)
                today = patient.today()
                patient.display_name = name
                patient.course_start = patient.course_start or today - timedelta(days=60)
                patient.daily_dose_mg = patient.daily_dose_mg or 40
                patient.weight_kg = patient.weight_kg or 65
                patient.save()
                patient.clinicians.add(clinician)
                self._entries(patient, pattern, random.Random(username))  # noqa: S311 - demo data, not a secret
                self._course(patient, today)
                credentials.append(("patient", username, password, "/"))
        self.stdout.write(self.style.SUCCESS("Demo accounts (passwords are new on every run):"))
        for role, username, password, url in credentials:
            self.stdout.write(f"  {role:<9} username: {username:<8} password: {password}   then open {url}")

    def _user(self, User, username: str, email: str, staff: bool):
        user, _ = User.objects.get_or_create(username=username, defaults={"email": email})
        password = "-".join(secrets.token_hex(3) for _ in range(3))
        user.is_staff = staff
        user.set_password(password)
        user.save()
        return user, password

    def _course(self, patient: Patient, today) -> None:
        """A mood check last week; for Sam, the pregnancy-prevention calendar."""
        if not patient.mood_checks.exists():
            services.mood_check_save(patient=patient, answers=[0, 1] + [None] * 7, on=today - timedelta(days=3))
        if patient.user.username == "sam" and not patient.pregnancy_tests.exists():
            patient.can_become_pregnant = True
            patient.course_end = patient.course_start + timedelta(days=150)
            patient.contraception_primary, patient.contraception_secondary = "Implant", "Condoms"
            patient.save()
            for back in (90, 62, 31):
                test = PregnancyTest(patient=patient, date=today - timedelta(days=back), result="negative")
                services.pregnancy_test_save(test=test)

    def _entries(self, patient: Patient, pattern, rng: random.Random) -> None:
        today = patient.today()
        for back in range(DAYS, 0, -1):  # leave today free, for the newcomer to write
            day = today - timedelta(days=back)
            skipped = back > 7 and rng.random() < 0.12
            if skipped or DiaryEntry.objects.filter(patient=patient, date=day).exists():
                continue
            entry = DiaryEntry(patient=patient, date=day, dose_mg=patient.daily_dose_mg, **pattern(back, rng))
            services.entry_save(entry=entry)


def _alex(back: int, rng: random.Random) -> dict:
    """Dryness building up over the course; one sunny afternoon without sunscreen."""
    base = 4 + (DAYS - back) // 8
    return {
        "skin_dryness": min(10, base + rng.randint(-1, 1)),
        "lip_dryness": min(10, base + 2 + rng.randint(-1, 1)),
        "eye_dryness": max(0, base - 2 + rng.randint(-1, 1)),
        "mood": rng.randint(6, 8),
        "sun_minutes": 45 if back == 5 else rng.choice([0, 10, 20]),
        "sunscreen": back != 5,
        "sunburn": "mild" if back == 4 else "none",
        "notes": "Lips sore in the morning." if back % 6 == 0 else "",
    }


def _sam(back: int, rng: random.Random) -> dict:
    """Steady skin, but a run of low mood in the last week."""
    low = back in (2, 3, 4)
    return {
        "skin_dryness": rng.randint(3, 5),
        "lip_dryness": rng.randint(4, 6),
        "eye_dryness": rng.randint(1, 3),
        "mood": 2 if low else rng.randint(6, 8),
        "sun_minutes": rng.choice([0, 15, 25]),
        "sunscreen": True,
        "sunburn": "none",
        "notes": "Hard week." if low else "",
    }
