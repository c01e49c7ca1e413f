"""E-mail clinicians about alerts (core/notifications.py). Run it from cron every minute:

    * * * * * set -a; . /etc/isodiary.env; set +a; cd /srv/isodiary && .venv/bin/python manage.py send_notifications

(cron does not inherit the web server's environment: load SECRET_KEY, DATABASE_URL, EMAIL_* … first.)

Safe to run as often as you like, and overlapping: nothing is sent twice, and an e-mail the mail
server refused is tried again by a later run."""

from django.core.management.base import BaseCommand

from core import notifications


class Command(BaseCommand):
    help = "E-mail clinicians about new urgent alerts, the daily digest and escalations, then send the queue."

    def handle(self, *args, **options):
        summary = notifications.run()
        # cron e-mails whatever a job prints: a run that did nothing says nothing (unless -v 2),
        # and a failed delivery goes to stderr.
        if summary.failed:
            self.stderr.write(str(summary))
        elif summary.urgent or summary.digests or summary.escalations or summary.sent or options["verbosity"] >= 2:
            self.stdout.write(str(summary))
