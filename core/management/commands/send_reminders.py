"""Reminders. Safe to run every 15 minutes from cron, on several servers at once: each reminder is
written to the database, under a unique constraint, and claimed there before it is sent, so no run
sends it twice; nothing is sent while a transaction is open (core/reminders.py).

The messages carry no health data: not what is due, only that isodiary has something to do."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from post_office import mail

from core import notifications, reminders, selectors, services
from core.models import Patient, Reminder

logger = logging.getLogger(__name__)


def task_email(language: str = "en") -> tuple[str, str]:
    """In the patient's language (Patient.language). Neutral words: a phone's lock screen shows the subject."""
    with translation.override(language):
        return (_("Something to do in your diary"),
                _("Hello,\n\nThere is something for you to do in your diary. Sign in to see it: {url}\n").format(
                    url=settings.SITE_URL.rstrip("/") + reverse("dashboard")))


class Command(BaseCommand):
    help = ("Remind patients who have not logged today (from the time they chose; by push or e-mail) and those "
            "with a test due; raise (or resolve) the missed-pregnancy-test warnings.")

    def handle(self, *args, **options):
        # A test becomes missed as the days pass, with no write to notice it: the warning is
        # raised here, on the schedule, and resolved here or when the test is logged.
        services.missed_tests_sync()
        summary = reminders.send_due()
        sent = summary.sent + self._pregnancy_tests()
        if summary.email or sent != summary.push:
            notifications.deliver()  # the queued e-mails, now, outside any transaction
        if sent or options["verbosity"] >= 2:  # cron e-mails any output: a quiet run says nothing
            self.stdout.write(f"{sent} reminder{'s' if sent != 1 else ''} sent.")
        if summary.retry:
            self.stderr.write(f"{summary.retry} push reminder(s) failed; they are tried again on the next run.")

    def _pregnancy_tests(self) -> int:
        now = timezone.now()
        sent = 0
        for patient in Patient.objects.filter(can_become_pregnant=True, user__is_active=True).exclude(
                user__email="").select_related("user"):
            today = now.astimezone(patient.tz).date()
            due = selectors.next_pregnancy_test(patient, today)
            if due is None or due.due > today:
                continue
            try:
                with transaction.atomic():  # the row and the queued e-mail: no network call here
                    Reminder.objects.create(patient=patient, kind="pregnancy-test", for_date=due.due, sent_at=now,
                                            channel=Reminder.Channel.EMAIL)
                    subject, body = task_email(patient.language)
                    mail.send(recipients=[patient.user.email], subject=subject, message=body, priority="medium")
            except IntegrityError:
                continue  # already sent by an earlier run
            sent += 1
        return sent
