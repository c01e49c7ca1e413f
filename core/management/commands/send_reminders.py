"""E-mail reminders. Safe to run every 15 minutes from cron: each reminder is recorded before it is
sent, under a unique constraint, so a second run (or two at once) never sends it again.

The e-mails carry no health data: not what is due, only that isodiary has something to do."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import services
from core.models import DiaryEntry, Patient, Reminder

logger = logging.getLogger(__name__)
# Subjects and bodies neutral: a phone's lock screen shows them (settings.DEFAULT_FROM_EMAIL).
DAILY_SUBJECT = "Your diary entry for today"
DAILY_BODY = (
    "Hello,\n\nA reminder to write today's entry in your diary: {url}\n\n"
    "You can change or switch off these reminders in your profile."
)
TASK_SUBJECT = "Something to do in your diary"
TASK_BODY = "Hello,\n\nThere is something for you to do in your diary. Sign in to see it: {url}\n"


class Command(BaseCommand):
    help = ("E-mail patients who have not logged today (at the hour they chose) and those with a test due; "
            "raise (or resolve) the missed-pregnancy-test warnings.")

    def handle(self, *args, **options):
        # A test becomes missed as the days pass, with no write to notice it: the warning is
        # raised here, on the schedule, and resolved here or when the test is logged.
        services.missed_tests_sync()
        now = timezone.now()
        sent = 0
        patients = Patient.objects.filter(user__is_active=True).exclude(user__email="").select_related("user")
        for patient in patients.filter(reminder_hour__isnull=False):
            local = now.astimezone(patient.tz)
            if local.hour < patient.reminder_hour:
                continue
            if DiaryEntry.objects.filter(patient=patient, date=local.date()).exists():
                continue
            sent += self._send(patient, "daily", local.date(), DAILY_SUBJECT, DAILY_BODY)
        for patient in patients.filter(can_become_pregnant=True):
            today = now.astimezone(patient.tz).date()
            due = services.next_pregnancy_test(patient, today)
            if due is not None and due.due <= today:
                sent += self._send(patient, "pregnancy-test", due.due, TASK_SUBJECT, TASK_BODY)
        if sent or options["verbosity"] >= 2:  # cron e-mails any output: a quiet run says nothing
            self.stdout.write(f"{sent} reminder{'s' if sent != 1 else ''} sent.")

    def _send(self, patient: Patient, kind: str, for_date, subject: str, body: str) -> int:
        try:
            with transaction.atomic():
                Reminder.objects.create(patient=patient, kind=kind, for_date=for_date)
                send_mail(subject, body.format(url=settings.SITE_URL), None, [patient.user.email])
        except IntegrityError:
            return 0  # already sent by an earlier run
        except Exception:  # noqa: BLE001 - one failed e-mail must not stop the others; retried next run
            logger.warning("Reminder e-mail to patient %s failed; it will be retried.", patient.pk)
            return 0
        return 1
