"""Daily reminders, sent by `manage.py send_reminders` from cron every 15 minutes.

A patient who chose a reminder time gets one reminder on a day they have not logged, from that time
(in their time zone) until the day ends: by push to each browser that subscribed, or by e-mail when
none did. Nothing is sent inside a database transaction:

1. mark_due() writes an unclaimed Reminder row for each patient now due; the unique constraint
   (patient, kind, day) keeps it to one a day whatever the number of runs or servers.
2. claim() takes a batch of unclaimed rows by a conditional UPDATE (`… WHERE claimed_at IS NULL OR
   stale`) and commits: two runs never take the same row (on PostgreSQL the candidates are also
   read with SKIP LOCKED, so a second run does not wait for the first).
3. The batch is sent by push from a pool of threads, outside any transaction.
4. One short transaction records it: sent rows get `sent_at`; subscriptions the push service says
   are gone (404, 410) are deleted; e-mails are queued in django-post-office (sent after, by the
   same command or send_notifications). A row whose push failed otherwise keeps its claim without
   `sent_at`: after RETRY_AFTER it is free again and the next run tries it, the same day only.

The messages hold no health data (core/push.py, and the e-mail below).
"""

import uuid
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from post_office import mail

from . import push
from .models import DiaryEntry, Patient, PushSubscription, Reminder

DAILY = "daily"
BATCH = 500
# A claim not recorded as sent after this long is free again: its push failed or its run died.
# Shorter than the cron interval, so the next run retries it.
RETRY_AFTER = timedelta(minutes=10)


def daily_email(language: str = "en") -> tuple[str, str]:
    """The reminder e-mail's subject and body, in the patient's language (Patient.language)."""
    with translation.override(language):
        subject = _("Time for today's entry")
        body = _("Hello,\n\nA reminder to write today's entry: {url}\n\n"
                 "You can change or switch off these reminders in your profile.").format(
            url=settings.SITE_URL.rstrip("/") + reverse("entry_new"))
    return subject, body


@dataclass
class Summary:
    push: int = 0
    email: int = 0
    retry: int = 0
    gone: int = 0

    @property
    def sent(self) -> int:
        return self.push + self.email


def mark_due(now: datetime) -> int:
    """Write an unclaimed row for every patient due now (see the module's docstring)."""
    marked = 0
    zones = (Patient.objects.filter(reminder_time__isnull=False, user__is_active=True)
             .values_list("time_zone", flat=True).distinct().order_by())
    for zone in zones:
        local = now.astimezone(Patient(time_zone=zone).tz)
        today = local.date()
        due = Patient.objects.filter(
            Q(Exists(PushSubscription.objects.filter(patient=OuterRef("pk")))) | ~Q(user__email=""),
            time_zone=zone, user__is_active=True, reminder_time__lte=local.time(),
        ).exclude(
            Exists(DiaryEntry.objects.filter(patient=OuterRef("pk"), date=today))
        ).exclude(
            Exists(Reminder.objects.filter(patient=OuterRef("pk"), kind=DAILY, for_date=today))
        ).order_by("pk").values_list("pk", flat=True)
        last = 0
        while ids := list(due.filter(pk__gt=last)[:BATCH]):  # in pages: memory stays flat
            rows = [Reminder(patient_id=pk, kind=DAILY, for_date=today) for pk in ids]
            marked += len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))
            last = ids[-1]
    return marked


def claim(token: str, now: datetime, started: datetime) -> list[Reminder]:
    """Take up to BATCH unsent reminders no other run holds; committed before anything is sent. A
    claim is stale RETRY_AFTER before this run `started`: a run never takes back its own failures."""
    stale = started - RETRY_AFTER
    free = Q(sent_at__isnull=True, kind=DAILY) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
    with transaction.atomic():
        candidates = list(Reminder.objects.filter(free).select_for_update(skip_locked=True)
                          .order_by("pk").values_list("pk", flat=True)[:BATCH])
        Reminder.objects.filter(free, pk__in=candidates).update(claim=token, claimed_at=now)
    logged = DiaryEntry.objects.filter(patient=OuterRef("patient"), date=OuterRef("for_date"))
    # The candidates this run's UPDATE took: another run's UPDATE may have taken some first.
    return list(Reminder.objects.filter(pk__in=candidates, claim=token, claimed_at=now, sent_at__isnull=True)
                .annotate(logged=Exists(logged)).select_related("patient__user"))


def _seconds_left_today(patient: Patient, now: datetime) -> int:
    local = now.astimezone(patient.tz)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=patient.tz)
    return int((midnight - local).total_seconds())


def send_batch(reminders: list[Reminder], pool: ThreadPoolExecutor | None, sender: push.Sender | None,
               now: datetime) -> Summary:
    summary = Summary()
    stale, due = [], []
    for reminder in reminders:
        patient = reminder.patient
        still_due = (not reminder.logged and reminder.for_date == patient.today()
                     and patient.reminder_time is not None and patient.user.is_active)
        (due if still_due else stale).append(reminder)
    targets: dict[int, list[push.Target]] = defaultdict(list)
    if sender is not None:
        subscriptions = PushSubscription.objects.filter(patient_id__in=[r.patient_id for r in due])
        ttl = {r.patient_id: _seconds_left_today(r.patient, now) for r in due}
        language = {r.patient_id: r.patient.language for r in due}
        for pk, patient_id, endpoint, p256dh, auth in subscriptions.values_list(
                "pk", "patient_id", "endpoint", "p256dh", "auth").order_by("pk"):
            targets[patient_id].append(push.Target(pk, endpoint, p256dh, auth, ttl[patient_id], language[patient_id]))
    flat = [target for reminder in due for target in targets[reminder.patient_id]]
    statuses = dict(zip((t.subscription_id for t in flat), pool.map(sender.send, flat), strict=True)) if flat else {}

    delivered, gone = [], []
    by_push, by_email, nothing = [], [], []
    for reminder in due:
        mine = [statuses[t.subscription_id] for t in targets[reminder.patient_id]]
        ok = [t.subscription_id for t, status in zip(targets[reminder.patient_id], mine, strict=True)
              if status is not None and 200 <= status < 300]
        delivered += ok
        gone += [t.subscription_id for t, status in zip(targets[reminder.patient_id], mine, strict=True)
                 if status in push.GONE]
        if ok:
            by_push.append(reminder.pk)
        elif any(status not in push.GONE for status in mine):
            summary.retry += 1  # keeps its claim without sent_at: free again after RETRY_AFTER
        elif reminder.patient.user.email:
            by_email.append(reminder)  # no subscription, or every one of them is gone
        else:
            nothing.append(reminder.pk)
    emails = {language: daily_email(language) for language in {r.patient.language for r in by_email}}
    with transaction.atomic():
        PushSubscription.objects.filter(pk__in=gone).delete()
        PushSubscription.objects.filter(pk__in=delivered).update(last_used_at=now)
        Reminder.objects.filter(pk__in=by_push).update(sent_at=now, channel=Reminder.Channel.PUSH)
        for reminder in by_email:
            subject, body = emails[reminder.patient.language]
            mail.send(recipients=[reminder.patient.user.email], subject=subject, message=body, priority="medium")
        Reminder.objects.filter(pk__in=[r.pk for r in by_email]).update(sent_at=now, channel=Reminder.Channel.EMAIL)
        # No longer due (logged meanwhile, or the day is over), or nowhere left to send it.
        Reminder.objects.filter(pk__in=[r.pk for r in stale] + nothing).delete()
    summary.push, summary.email, summary.gone = len(by_push), len(by_email), len(gone)
    return summary


def send_due(now: datetime | None = None) -> Summary:
    """Mark, claim and send every due daily reminder, batch by batch."""
    now = now or timezone.now()
    mark_due(now)
    token = uuid.uuid4().hex
    total = Summary()
    sender = push.Sender() if push.enabled() else None
    with ThreadPoolExecutor(max_workers=settings.WEBPUSH_WORKERS, thread_name_prefix="push") as pool:
        for batch in _batches(token, now):
            summary = send_batch(batch, pool, sender, timezone.now())
            total.push += summary.push
            total.email += summary.email
            total.retry += summary.retry
            total.gone += summary.gone
    return total


def _batches(token: str, started: datetime) -> Iterator[list[Reminder]]:
    while batch := claim(token, timezone.now(), started):
        yield batch

