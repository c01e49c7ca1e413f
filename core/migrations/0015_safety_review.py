"""Issue 19 (safety review) on databases made before it.

Every mood finding says what the Medication Guide says (stop taking isotretinoin and call the
prescriber right away), so a finding whose advice is to stop is urgent (core.rules.minimum_severity);
the red-flag rule points at the advice shown for each sign; self-harm gives 988 and 911 in its own
words. New rules: phq2-positive (a positive PHQ-2 always gives a finding) and pregnancy-risk (a
missed period or sex without two forms of birth control), both safety rules.

Self-contained: the texts are frozen here (core/default_rules.py holds the same new texts for fresh
installs). A text (and with it the severity) is replaced only where a row still holds the previous
default, so a clinic's own wording stays.
"""

from django.db import migrations

UNSAFE = "If you feel unsafe, call or text 988, or call 911 if you are in danger."
STOP = "Stop taking isotretinoin and call your prescriber right away"
SELF_HARM_OLD = ("You are not alone. Get help now (the numbers are below), then stop taking isotretinoin and call "
                 "your prescriber.")
SELF_HARM_NEW = ("You are not alone. Get help now: call or text 988, or call 911 if you are in danger. Then stop "
                 "taking isotretinoin and call your prescriber right away.")

# (rule code, previous default advice, new default advice, new severity)
TEXTS = [
    ("mood-low",
     "Talk to someone you trust. If you also notice other signs of depression, stop taking isotretinoin and call "
     "your prescriber right away.",
     f"{STOP}: the Medication Guide says to do this if you start to feel sad or have crying spells. {UNSAFE}",
     "urgent"),
    ("mood-drop",
     "Keep an eye on how you feel over the next days and tell your prescriber if it does not lift. If you notice "
     "signs of depression, stop taking isotretinoin and call your prescriber right away.",
     f"{STOP}: the Medication Guide says to do this if you start to feel sad or have crying spells. "
     f"{UNSAFE}",
     "urgent"),
    ("phq9-moderate",
     "Call your prescriber right away: the Medication Guide says to stop taking isotretinoin and call if you have "
     f"signs of depression. {UNSAFE}",
     f"{STOP}: the Medication Guide says to do this if you have signs of depression. {UNSAFE}",
     "urgent"),
    ("red-flag",
     "Stop taking isotretinoin and call your prescriber right away. If you have trouble breathing, a swollen face "
     "or mouth, a seizure, or slurred speech or weakness on one side, call 911 or your local emergency number.",
     "Do what the advice for each sign you reported says (below). Call 911 for hives, a swollen face or mouth, or "
     "trouble breathing; for signs of a stroke; and for a seizure that is a first seizure, lasts over 5 minutes, is "
     "followed by another, leaves the person with trouble breathing or waking up, or hurt, happens in water, or "
     "happens to someone who is pregnant.",
     "urgent"),
    ("self-harm", SELF_HARM_OLD, SELF_HARM_NEW, "urgent"),
    ("phq9-item9", SELF_HARM_OLD, SELF_HARM_NEW, "urgent"),
]

NEW_RULES = [
    {
        "code": "phq2-positive",
        "title": "PHQ-2 positive",
        "severity": "urgent",
        "threshold": 3,
        "run_days": None,
        "message": "Your mood check shows you have felt down or lost interest in things on many days.",
        "advice": f"{STOP}: the Medication Guide says to do this if you start to feel sad or lose interest in "
                  f"activities you once enjoyed. {UNSAFE}",
        "learn_slug": "mood",
        "learn_anchor": "mood-check",
    },
    {
        "code": "pregnancy-risk",
        "title": "Missed period or sex without two forms of birth control",
        "severity": "urgent",
        "threshold": None,
        "run_days": None,
        "message": "You reported a missed period or sex without two forms of birth control.",
        "advice": f"{STOP}: isotretinoin causes severe birth defects. If you had sex without two forms of birth "
                  "control, ask about emergency contraception as soon as possible.",
        "learn_slug": "pregnancy",
        "learn_anchor": "if-you-think-you-might-be-pregnant",
    },
]


def forwards(apps, schema_editor):
    Rule = apps.get_model("core", "Rule")
    for code, old, new, severity in TEXTS:
        Rule.objects.filter(code=code, advice=old).update(advice=new, severity=severity)
    for values in NEW_RULES:
        Rule.objects.get_or_create(code=values["code"], defaults=values)


def backwards(apps, schema_editor):
    Rule = apps.get_model("core", "Rule")
    previous = {"mood-low": "warning", "mood-drop": "warning", "phq9-moderate": "warning"}
    for code, old, new, severity in TEXTS:
        Rule.objects.filter(code=code, advice=new).update(advice=old, severity=previous.get(code, severity))
    Rule.objects.filter(code__in=[values["code"] for values in NEW_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0014_alert_signs")]

    operations = [migrations.RunPython(forwards, backwards)]
