"""What the patient's pages show of their alerts ("findings"): one element per rule, with what
happens next with an urgent one (data-care-team). Shared by the dashboard, the entry page and the
pregnancy page."""

from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from django.db.models import Exists, OuterRef, Q

from .dates import day_range_label, moment_label, short_day_label
from .models import SIGN_ADVICE, Alert, Patient, Symptom, emailable_clinician, in_language

WARNING_DAYS = 7
FINDING_FIELDS = ["pk", "rule_code", "severity", "level", "message", "advice", "detail", "learn_url", "first_day",
                  "last_day", "days", "acknowledged_at", "emailed_at", "signs", "message_es", "advice_es", "detail_es"]


def with_care_team(alerts):
    """Findings as plain rows, each knowing whether the patient has a clinician isodiary e-mails
    (data-care-team; the same definition as the sender's): read in the same query, needed only
    when there is a finding to show."""
    links = Patient.clinicians.through.objects.filter(emailable_clinician("user__"))
    assigned = links.filter(patient_id=OuterRef("patient_id"))
    return alerts.annotate(has_clinician=Exists(assigned)).values_list(*FINDING_FIELDS, "has_clinician", named=True)


def current_findings(patient: Patient, today: date):
    """Alerts with a day in the last 7 that still hold, and a missed pregnancy test until it is logged."""
    recent = Q(last_day__gt=today - timedelta(days=WARNING_DAYS)) | Q(rule_code="pregnancy-test-due")
    return with_care_team(Alert.objects.filter(recent, patient=patient).unresolved())


CARE_TEAM_ORDER = ["none", "pending", "notified", "reviewed"]


def care_team(alert) -> str:
    """data-care-team: what happens next with an urgent finding, as far as the app knows it."""
    if alert.acknowledged_at is not None:
        return "reviewed"
    if alert.emailed_at is not None:  # to their clinician, or (has_clinician False) to the clinic inbox
        return "notified"
    # Without a clinician isodiary e-mails, the clinic inbox may hear of it, but nobody who knows the patient.
    return "pending" if alert.has_clinician else "none"


@dataclass(frozen=True)
class Sign:
    code: str
    label: str
    advice: str


class FindingGroup:
    """The open findings of one rule, shown once: the newest episode, with the dates of the others.

    Plain attributes, all formatted here in the active language (the patient's): the dashboard renders
    these on every visit."""

    # Every finding about mood shows the crisis contacts (988, 911), not only those about self-harm.
    CRISIS_RULES = {"self-harm", "phq9-item9", "mood-low", "mood-persistent-low", "mood-drop", "phq2-positive",
                    "phq9-moderate", "phq9-severe"}

    def __init__(self, alert, tz: tzinfo | None = None):
        self.rule_code = alert.rule_code
        self.severity = alert.severity
        self.level = alert.level
        self.message = in_language(alert, "message")
        self.advice = in_language(alert, "advice")
        self.detail = in_language(alert, "detail")
        self.learn_url = alert.learn_url
        self.last_day = alert.last_day
        self.date_label = day_range_label(alert.first_day, alert.last_day, alert.days)
        self.tz = tz  # the patient's: the times they read are in their own time zone
        self.crisis = alert.rule_code in self.CRISIS_RULES
        # What to do about each sign ticked (red-flag, pregnancy-risk), as the label words it.
        self.signs = [Sign(code, str(Symptom(code).label), str(SIGN_ADVICE[code])) for code in alert.signs or ()
                      if code in Symptom.values]
        self.earlier: list[str] = []
        self.care_team = care_team(alert)
        self.clinic_only = not alert.has_clinician
        self.emailed_label = self._time_label(alert.emailed_at)
        self.seen_label = self._time_label(alert.acknowledged_at)

    def _time_label(self, moment) -> str:
        return "" if moment is None else moment_label(moment, self.tz)

    def add(self, alert) -> None:
        self.earlier.append(short_day_label(alert.last_day))
        # The element tells the least reassuring state of its episodes: one unreviewed is enough.
        state = care_team(alert)
        if CARE_TEAM_ORDER.index(state) < CARE_TEAM_ORDER.index(self.care_team):
            self.care_team = state
            self.clinic_only = not alert.has_clinician
            self.emailed_label = self._time_label(alert.emailed_at)
            self.seen_label = ""

    @property
    def earlier_label(self) -> str:
        return ", ".join(self.earlier)


def findings_context(alerts, tz: tzinfo | None = None) -> dict:
    """One element per rule, urgent ones in the banner at the top of the page, the others in the body.
    `tz`: the patient's time zone, for the times the patient reads."""
    groups: dict[str, FindingGroup] = {}
    for alert in sorted(alerts, key=lambda a: (-a.level, -a.last_day.toordinal(), a.pk)):
        if alert.rule_code in groups:
            groups[alert.rule_code].add(alert)
        else:
            groups[alert.rule_code] = FindingGroup(alert, tz)
    return {
        "urgent_findings": [g for g in groups.values() if g.severity == "urgent"],
        "other_findings": [g for g in groups.values() if g.severity != "urgent"],
    }
