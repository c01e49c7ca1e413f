"""Review of issue 15's wording: the mood and PHQ-9 rules give the US crisis numbers instead of "your
local emergency number", and say "right away" where the Medication Guide does (it says to stop taking
isotretinoin and call your doctor right away for signs of depression).

Self-contained: the texts are frozen here (core/default_rules.py holds the same new texts for fresh
installs). A text is replaced only where a row still holds the previous default, so a clinic's own
wording stays.
"""

from django.db import migrations

UNSAFE_OLD = "If you feel unsafe, call your local emergency number now."
UNSAFE_NEW = "If you feel unsafe, call or text 988, or call 911 if you are in danger."
DEPRESSION_OLD = "If you notice signs of depression, stop taking isotretinoin and call your prescriber."
DEPRESSION_NEW = "If you notice signs of depression, stop taking isotretinoin and call your prescriber right away."
WATCH = "Keep an eye on how you feel over the next days and tell your prescriber if it does not lift."

# (rule code, field, previous default, new default)
TEXTS = [
    ("mood-low", "advice",
     "Talk to someone you trust. If you also notice other signs of depression, stop isotretinoin and call your "
     "prescriber.",
     "Talk to someone you trust. If you also notice other signs of depression, stop taking isotretinoin and call "
     "your prescriber right away."),
    ("mood-persistent-low", "advice",
     f"Stop taking isotretinoin and call your prescriber today. {UNSAFE_OLD}",
     f"Stop taking isotretinoin and call your prescriber right away. {UNSAFE_NEW}"),
    ("mood-drop", "advice", f"{WATCH} {DEPRESSION_OLD}", f"{WATCH} {DEPRESSION_NEW}"),
    ("phq9-moderate", "advice",
     "Call your prescriber today: the Medication Guide says to stop taking isotretinoin and call your prescriber if "
     f"you have signs of depression. {UNSAFE_OLD}",
     "Call your prescriber right away: the Medication Guide says to stop taking isotretinoin and call if you have "
     f"signs of depression. {UNSAFE_NEW}"),
    ("phq9-severe", "advice",
     f"Stop taking isotretinoin and call your prescriber today. {UNSAFE_OLD}",
     f"Stop taking isotretinoin and call your prescriber right away. {UNSAFE_NEW}"),
]


def forwards(apps, schema_editor):
    Rule = apps.get_model("core", "Rule")
    for code, field, old, new in TEXTS:
        Rule.objects.filter(code=code, **{field: old}).update(**{field: new})


def backwards(apps, schema_editor):
    Rule = apps.get_model("core", "Rule")
    for code, field, old, new in TEXTS:
        Rule.objects.filter(code=code, **{field: new}).update(**{field: old})


class Migration(migrations.Migration):
    dependencies = [("core", "0009_red_flag_symptoms_and_locks")]

    operations = [migrations.RunPython(forwards, backwards)]
