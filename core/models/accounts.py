"""What isodiary keeps about an account besides its diary: reminders sent, push subscriptions,
and the counts behind rate limits."""


from django.db import models
from django.utils import timezone

from .patients import Patient


class Reminder(models.Model):
    """A reminder, recorded before it is sent so that a cron job every 15 minutes never sends it twice.

    A daily reminder is first written unclaimed (due); a run takes a batch by a conditional UPDATE of
    `claim`, commits, sends outside any transaction, then records `sent_at`, or gives the claim back
    when the push service failed for a reason worth another try (see core/reminders.py)."""

    class Channel(models.TextChoices):
        PUSH = "push", "Push"
        EMAIL = "email", "E-mail"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)
    for_date = models.DateField()
    claim = models.CharField(max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient", "kind", "for_date"], name="one_reminder")]
        indexes = [models.Index(fields=["sent_at", "claimed_at"], name="reminder_unsent")]

    def __str__(self) -> str:
        return f"{self.kind} reminder for {self.for_date.isoformat()}"


class RateCount(models.Model):
    """How many times one client address did one rate-limited thing (sign-up, a password reset) in
    one window of time (core/ratelimit.py). In the database, as django-axes keeps its failures, so
    that every worker and server counts together. Rows go once their window is over."""

    action = models.CharField(max_length=20)
    client = models.CharField(max_length=64)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "client", "window_start"], name="one_rate_count")]

    def __str__(self) -> str:
        return f"{self.action} from {self.client}: {self.count}"


class PushSubscription(models.Model):
    """A browser that asked for reminders by Web Push: where to send them (the push service's
    endpoint) and the keys to encrypt them with, as PushSubscription.toJSON() gave them."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=50)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"push subscription {self.pk}"
