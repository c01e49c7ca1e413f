"""E-mail to clinicians about alerts, run by `manage.py send_notifications` every minute.

Which alerts go where is the route each alert was given when raised (Alert.notify, from its
rule; issue 23): `patient` findings are never e-mailed, `digest` ones go in the digest, `now` ones
and every urgent one (whatever its route says) at once. Below, "urgent" means the latter.

- A new urgent alert: each assigned clinician with an e-mail address gets one e-mail on the next
  run, however many urgent alerts are new for them. A patient with no such clinician: the clinic's
  ESCALATION_EMAIL, or else every active superuser with an address.
- Other new alerts: at most one digest per clinician per day, from the first run at or after
  DIGEST_HOUR (TIME_ZONE). Nothing new, no digest.
- An urgent alert still unacknowledged ESCALATE_AFTER_HOURS after its e-mail was queued is sent
  again, to its clinicians and to ESCALATION_EMAIL; once per alert. Queued, not delivered: run every
  minute the two are the same minute, and a mail server that keeps refusing must not delay it.

No e-mail carries health data: not the patient, the rule, a value or a note; only that there is
something to see, and a link to sign in.

Runs may overlap and mail servers fail. Work is claimed in the database: a conditional UPDATE
(`… WHERE email_queued_at IS NULL`) takes an alert, so no two runs take the same one (before it,
PostgreSQL's row locks and SQLite's IMMEDIATE transactions keep a second run from even reading a
taken alert as free); a digest is a row that the database allows once per address and day. The
claim, the Notification row and the queued e-mail (django-post-office's Email) are written in one
transaction. Delivery is post-office's: a failed e-mail stays queued and is tried again on a later
run (POST_OFFICE MAX_RETRIES and RETRY_INTERVAL in settings), under post-office's file lock so that
two runs never send one twice.
"""

import contextlib
import fcntl
import logging
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from post_office import mail
from post_office.lockfile import FileLock, FileLocked, default_lockfile
from post_office.models import STATUS

from .models import Alert, Notification, Patient, emailable_clinician
from .services import lock_patients

logger = logging.getLogger(__name__)
# post-office's own logger is configured in settings.LOGGING: warnings and up, printed once.

SUBJECTS = {
    Notification.Kind.URGENT: "A new urgent alert",
    Notification.Kind.DIGEST: "{count} new alert{s}",
    Notification.Kind.ESCALATION: "An urgent alert is still not acknowledged",
}
BODIES = {
    Notification.Kind.URGENT: "A patient assigned to you has a new urgent alert in isodiary.",
    Notification.Kind.DIGEST: "Patients assigned to you have {count} new alert{s} in isodiary since the last digest.",
    Notification.Kind.ESCALATION: "An urgent alert in isodiary has not been acknowledged for {hours} hours or more.",
}
UNASSIGNED = "A patient with no assigned clinician has a new urgent alert in isodiary, so it comes to you."
FOOTER = (
    "Sign in to see it: {url}\n\n"
    "This e-mail leaves out everything about the patient on purpose; isodiary shows it once you sign in."
)


@dataclass(frozen=True)
class Recipient:
    to: str
    user_id: int | None = None
    fallback: bool = False  # not the patient's own clinician


@dataclass
class Summary:
    urgent: int = 0
    digests: int = 0
    escalations: int = 0
    sent: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (f"{self.urgent} urgent, {self.digests} digest and {self.escalations} escalation e-mails queued; "
                f"{self.sent} sent, {self.failed} failed (tried again later).")


def queue_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("admin:core_alert_changelist")


def fallback_recipients() -> list[Recipient]:
    """Who hears about a patient without a clinician: the clinic inbox, or else the superusers."""
    if settings.ESCALATION_EMAIL:
        return [Recipient(settings.ESCALATION_EMAIL, fallback=True)]
    users = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")
    return [Recipient(email, pk, fallback=True) for pk, email in users.values_list("pk", "email").order_by("pk")]


def clinicians_of(patient_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """The active assigned clinicians with an e-mail address, of each patient."""
    links = Patient.clinicians.through.objects.filter(emailable_clinician("user__"), patient_id__in=set(patient_ids))
    found: dict[int, list[Recipient]] = defaultdict(list)
    for patient_id, user_id, email in links.values_list("patient_id", "user_id", "user__email").order_by("user_id"):
        found[patient_id].append(Recipient(email, user_id))
    return found


def candidates(alerts: QuerySet) -> list[tuple[int, int]]:
    """Alerts this run may take, locked where the database can lock rows (other runs skip them).
    Their patients' rows are locked first, as every writer does (services.lock_patients): the
    claim's UPDATE raises the patient's data version, and taking alert then patient while a
    patient's edit takes patient then alert could deadlock."""
    lock_patients(alerts.values_list("patient_id", flat=True))
    return list(alerts.select_for_update(skip_locked=True).values_list("pk", "patient_id"))


def _claim(alerts: QuerySet, field_name: str, now: datetime) -> list[tuple[int, int]]:
    """Take each candidate only if no other run has: an UPDATE conditional on the field still
    being empty, which the database runs one at a time for a row (SQLite has no row locks)."""
    return [
        (pk, patient_id) for pk, patient_id in candidates(alerts)
        if Alert.objects.filter(pk=pk, **{f"{field_name}__isnull": True}).update(**{field_name: now})
    ]


def _queue(kind: str, recipient: Recipient, alert_ids: list[int], now: datetime, *, for_date=None) -> Notification:
    count = len(alert_ids)
    words = {"count": count, "s": "" if count == 1 else "s", "hours": settings.ESCALATE_AFTER_HOURS}
    unassigned = recipient.fallback and kind == Notification.Kind.URGENT
    body = [UNASSIGNED if unassigned else BODIES[kind].format(**words), FOOTER.format(url=queue_url())]
    email = mail.send(recipients=[recipient.to], subject=SUBJECTS[kind].format(**words), message="\n\n".join(body),
                      priority="medium")
    notification = Notification.objects.create(kind=kind, user_id=recipient.user_id, to=recipient.to,
                                               for_date=for_date, created_at=now, mail=email)
    notification.alerts.set(alert_ids)
    return notification


def _by_recipient(claimed: list[tuple[int, int]], field_name: str, *,
                  extra: list[Recipient] = ()) -> dict[Recipient, list[int]]:
    """Whom to tell about each claimed alert. An alert with nobody to tell is given back (its
    claim undone), so that it goes out once someone can receive it."""
    clinicians = clinicians_of(patient_id for _, patient_id in claimed)
    fallback = None
    grouped: dict[Recipient, list[int]] = defaultdict(list)
    by_address: dict[str, Recipient] = {}  # one e-mail per address, should a clinician's be the inbox's too
    nobody = []
    for pk, patient_id in claimed:
        recipients = list(clinicians.get(patient_id, []))
        if not recipients and not extra:
            fallback = fallback if fallback is not None else fallback_recipients()
            recipients = fallback
        for recipient in [*recipients, *extra]:
            recipient = by_address.setdefault(recipient.to.lower(), recipient)
            if pk not in grouped[recipient]:
                grouped[recipient].append(pk)
        if not recipients and not extra:
            nobody.append(pk)
    if nobody:
        Alert.objects.filter(pk__in=nobody).update(**{field_name: None})
        logger.warning("%s urgent alert(s) with nobody to e-mail: set ESCALATION_EMAIL or give a superuser an "
                       "e-mail address.", len(nobody))
    return grouped


def queue_urgent(now: datetime) -> int:
    new = Alert.objects.at_once().filter(email_queued_at__isnull=True)
    with transaction.atomic():
        grouped = _by_recipient(_claim(new, "email_queued_at", now), "email_queued_at")
        for recipient, alert_ids in grouped.items():
            _queue(Notification.Kind.URGENT, recipient, alert_ids, now)
    return len(grouped)


def queue_escalations(now: datetime) -> int:
    due = Alert.objects.at_once().filter(
        escalated_at__isnull=True,
        email_queued_at__lte=now - timedelta(hours=settings.ESCALATE_AFTER_HOURS),
    )
    inbox = [Recipient(settings.ESCALATION_EMAIL, fallback=True)] if settings.ESCALATION_EMAIL else []
    with transaction.atomic():
        grouped = _by_recipient(_claim(due, "escalated_at", now), "escalated_at", extra=inbox)
        for recipient, alert_ids in grouped.items():
            _queue(Notification.Kind.ESCALATION, recipient, alert_ids, now)
    return len(grouped)


def queue_digests(now: datetime) -> int:
    """One digest a day per clinician address, of the open alerts routed to the digest of their
    patients that no digest to that address has listed yet."""
    local = timezone.localtime(now)
    if local.hour < settings.DIGEST_HOUR:
        return 0
    today = local.date()
    waiting = Alert.objects.for_digest()
    clinicians = (
        get_user_model().objects.filter(emailable_clinician(), assigned_patients__alerts__in=waiting)
        .values_list("pk", "email").distinct().order_by("pk")
    )
    queued = 0
    for user_id, email in clinicians:
        if Notification.objects.filter(kind=Notification.Kind.DIGEST, to=email, for_date=today).exists():
            continue
        listed = Notification.objects.filter(kind=Notification.Kind.DIGEST, to=email)
        alert_ids = list(
            waiting.filter(patient__clinicians=user_id).exclude(notifications__in=listed)
            .values_list("pk", flat=True).distinct()
        )
        if not alert_ids:
            continue
        try:
            with transaction.atomic():
                _queue(Notification.Kind.DIGEST, Recipient(email, user_id), alert_ids, now, for_date=today)
                Alert.objects.filter(pk__in=alert_ids, email_queued_at__isnull=True).update(email_queued_at=now)
        except IntegrityError:  # another run sent this address its digest for today first
            continue
        queued += 1
    return queued


def lockfile() -> str:
    return getattr(settings, "MAIL_LOCKFILE", default_lockfile)


@contextlib.contextmanager
def one_sender():
    """True for the one run on this machine that may send now; False for any other meanwhile.
    An operating-system lock (flock) on a file beside post-office's: taken or refused in one step,
    between processes and between threads alike, and let go by the system if the run dies.
    post-office's own lock file alone is not enough: a run that finds it missing deletes it before
    taking it, so two runs starting together can delete each other's and both send the queue
    (seen as every e-mail sent twice in tests/test_notifications.py's overlapping runs).
    The file is opened for reading only, so that one left by another user (a run with sudo) still
    serves; if it cannot be opened at all, the run sends under post-office's lock alone, as before:
    an urgent e-mail that goes out twice is better than one that does not go out."""
    path = f"{lockfile()}.flock"
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError as error:
        logger.error("Cannot open the mail lock %s (%s): sending under post-office's lock alone.", path,
                     error.strerror)
        yield True
        return
    with os.fdopen(descriptor) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            ours = True
        except BlockingIOError:
            ours = False
        yield ours  # the lock goes with the file's closing


def deliver() -> tuple[int, int]:
    """Send what is queued (post-office, under its lock), then record what went out."""
    sent = failed = 0
    with one_sender() as sending:
        if sending:
            sent, failed = send_queued()
        else:
            logger.info("Another run is sending e-mail; this one leaves it the queue.")
    delivered = Notification.objects.filter(sent_at__isnull=True, mail__status=STATUS.sent).select_related("mail")
    for notification in delivered:
        with transaction.atomic():
            notification.sent_at = notification.mail.last_updated
            notification.save(update_fields=["sent_at"])
            notification.alerts.filter(emailed_at__isnull=True).update(emailed_at=notification.sent_at)
    return sent, failed


def send_queued() -> tuple[int, int]:
    """post-office's sending, under its own lock file as well, so that its send_queued_mail command,
    run by hand, waits too."""
    sent = failed = 0
    lock = FileLock(lockfile())
    try:
        with lock:
            sent, failed, requeued = mail.send_queued()
            failed += requeued
    except FileLocked:
        logger.info("Another process holds post-office's lock (send_queued_mail?); this run leaves it the queue.")
    except FileExistsError:
        # The same, a moment later: another process took the lock between this one's look and its
        # own taking (post-office raises this then, not FileLocked), perhaps leaving this run's pid
        # file behind. Removed unless it is the one the lock points to.
        if os.path.realpath(lock.lock_filename) != os.path.realpath(lock.pid_filename):
            with contextlib.suppress(FileNotFoundError):
                os.remove(lock.pid_filename)
        logger.info("Another process holds post-office's lock (send_queued_mail?); this run leaves it the queue.")
    return sent, failed


def run(now: datetime | None = None) -> Summary:
    now = now or timezone.now()
    summary = Summary(urgent=queue_urgent(now), escalations=queue_escalations(now), digests=queue_digests(now))
    summary.sent, summary.failed = deliver()
    return summary
