"""Issue 15 on databases made before it: the corrected rule wording, and the safety-rule locks.

Self-contained: the texts are frozen here (core/default_rules.py holds the same new texts for fresh
installs). A text is replaced only where a row still holds the old default, so a clinic's own
wording stays; a safety rule that was switched off, lowered or made harder to trigger is put back,
because the app no longer lets anyone do that (core.models.LOCKED_RULES).
"""

from django.db import migrations
from django.db.models import Q, Value
from django.db.models.functions import Replace

SELF_HARM_OLD = "You are not alone. Get help now, then stop isotretinoin and tell your prescriber."
SELF_HARM_NEW = ("You are not alone. Get help now (the numbers are below), then stop taking isotretinoin and call "
                 "your prescriber.")
EYES = ("If your eyes are painful or dry all the time, or your vision changes, stop taking isotretinoin and call your "
        "prescriber right away.")

# (rule code, field, old default, new default)
TEXTS = [
    ("dryness-high", "advice",
     "Moisturise often, use lip balm and eye drops. If it stays this high for a few days, tell your prescriber.",
     f"Moisturize often, use lip balm and eye drops. {EYES} If the dryness stays this high for a few days, tell "
     "your prescriber."),
    ("dryness-persistent", "advice",
     "Tell your prescriber in the next day or two: they may adjust your dose or skin care.",
     f"Tell your prescriber in the next day or two. {EYES}"),
    ("mood-drop", "advice",
     "Keep an eye on how you feel over the next days and tell your prescriber if it does not lift.",
     "Keep an eye on how you feel over the next days and tell your prescriber if it does not lift. If you notice "
     "signs of depression, stop taking isotretinoin and call your prescriber."),
    ("sun-unprotected", "advice",
     "Your skin burns easily on isotretinoin: use SPF 30 or higher, cover up and seek shade.",
     "Isotretinoin makes your skin more sensitive to sunlight: avoid the sun as much as you can, cover up, seek "
     "shade and use a broad-spectrum sunscreen."),
    ("sunburn", "advice",
     "Cool and moisturise the skin, keep out of the sun until it heals, and protect your skin from now on.",
     "Cool and moisturize the skin, keep out of the sun until it heals, and protect your skin from now on."),
    ("red-flag", "advice",
     "Stop taking isotretinoin and call your prescriber now. If it is severe or you have trouble breathing, call "
     "your local emergency number.",
     "Stop taking isotretinoin and call your prescriber right away. If you have trouble breathing, a swollen face "
     "or mouth, a seizure, or slurred speech or weakness on one side, call 911 or your local emergency number."),
    ("self-harm", "advice", SELF_HARM_OLD, SELF_HARM_NEW),
    ("phq9-item9", "advice", SELF_HARM_OLD, SELF_HARM_NEW),
    ("phq9-moderate", "message",
     "Your mood check suggests moderate depression.",
     "Your mood check shows moderate or moderately severe symptoms of depression."),
    ("phq9-moderate", "advice",
     "Tell your prescriber in the next few days. If you feel worse or unsafe, stop isotretinoin and call them now.",
     "Call your prescriber today: the Medication Guide says to stop taking isotretinoin and call your prescriber if "
     "you have signs of depression. If you feel unsafe, call your local emergency number now."),
    ("phq9-severe", "message",
     "Your mood check suggests severe depression.",
     "Your mood check shows severe symptoms of depression."),
    ("pregnancy-test-due", "learn_anchor", "the-pregnancy-prevention-programme", "ipledge"),
]

# The safety rules and the highest threshold each may have (None: none at all).
LOCKED = {"self-harm": None, "red-flag": None, "phq9-item9": 1, "pregnancy-positive": None}
OLD_ANCHOR, NEW_ANCHOR = "#the-pregnancy-prevention-programme", "#ipledge"


def forwards(apps, schema_editor):
    Rule = apps.get_model("core", "Rule")
    RuleOverride = apps.get_model("core", "RuleOverride")
    Alert = apps.get_model("core", "Alert")
    for code, field, old, new in TEXTS:
        Rule.objects.filter(code=code, **{field: old}).update(**{field: new})
    for code, highest in LOCKED.items():
        Rule.objects.filter(code=code).update(enabled=True, severity="urgent", run_days=None)
        if highest is None:
            Rule.objects.filter(code=code).exclude(threshold=None).update(threshold=None)
            RuleOverride.objects.filter(rule__code=code).delete()
        else:
            Rule.objects.filter(Q(threshold=None) | Q(threshold__gt=highest), code=code).update(threshold=highest)
            RuleOverride.objects.filter(rule__code=code, threshold__gt=highest).delete()
            RuleOverride.objects.filter(rule__code=code).exclude(run_days=None).update(run_days=None)
    # Links already shown to patients point at the heading's new anchor.
    Alert.objects.filter(rule_code="pregnancy-test-due", learn_url__endswith=OLD_ANCHOR).update(
        learn_url=Replace("learn_url", Value(OLD_ANCHOR), Value(NEW_ANCHOR))
    )


def backwards(apps, schema_editor):
    Rule = apps.get_model("core", "Rule")
    Alert = apps.get_model("core", "Alert")
    for code, field, old, new in TEXTS:
        Rule.objects.filter(code=code, **{field: new}).update(**{field: old})
    Alert.objects.filter(rule_code="pregnancy-test-due", learn_url__endswith=NEW_ANCHOR).update(
        learn_url=Replace("learn_url", Value(NEW_ANCHOR), Value(OLD_ANCHOR))
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0008y_alert_episodes_finish")]

    operations = [migrations.RunPython(forwards, backwards)]
