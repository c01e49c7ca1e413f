"""The current default warning rules and the Clinicians group's permissions.

Migrations 0002, 0004, 0009, 0011, 0015 and 0019 carry their own frozen copies (a migration must not
change when this file does); tests/test_migrations.py checks that a fresh install ends with exactly these.
Tests also check every default against core.rules and the education pages, and `install()`
re-creates them where a transactional test flushed the database."""

from django.contrib.auth.management import create_permissions

DEFAULT_RULES = [
    {
        "code": "dryness-high",
        "title": "High dryness",
        "severity": "warning",
        "threshold": 7,
        "notify": "patient",
        "run_days": None,
        "message": "Your dryness is high today.",
        "advice": "Moisturize often, use lip balm and eye drops. If your eyes are painful or dry all the time, or your vision changes, stop taking isotretinoin and call your prescriber right away. If the dryness stays this high for a few days, tell your prescriber.",
        "learn_slug": "dryness",
        "learn_anchor": "",
    },
    {
        "code": "dryness-persistent",
        "title": "Persistent high dryness",
        "severity": "warning",
        "threshold": 7,
        "notify": "digest",
        "run_days": 3,
        "message": "Your dryness has been high for several days in a row.",
        "advice": "Tell your prescriber in the next day or two. If your eyes are painful or dry all the time, or your vision changes, stop taking isotretinoin and call your prescriber right away.",
        "learn_slug": "dryness",
        "learn_anchor": "when-to-tell",
    },
    {
        "code": "mood-low",
        "title": "Low mood",
        "severity": "urgent",
        "threshold": 3,
        "notify": "now",
        "run_days": None,
        "message": "Your mood is low today.",
        "advice": "Stop taking isotretinoin and call your prescriber right away: the Medication Guide says to do this if you start to feel sad or have crying spells. If you feel unsafe, call or text 988, or call 911 if you are in danger.",
        "learn_slug": "mood",
        "learn_anchor": "",
    },
    {
        "code": "mood-persistent-low",
        "title": "Persistently low mood",
        "severity": "urgent",
        "threshold": 3,
        "notify": "now",
        "run_days": 3,
        "message": "Your mood has been low for several days in a row.",
        "advice": "Stop taking isotretinoin and call your prescriber right away. If you feel unsafe, call or text 988, or call 911 if you are in danger.",
        "learn_slug": "mood",
        "learn_anchor": "get-help-now",
    },
    {
        "code": "mood-drop",
        "title": "Sudden drop in mood",
        "severity": "urgent",
        "threshold": 3,
        "notify": "now",
        "run_days": None,
        "message": "Your mood is much lower than in the past week.",
        "advice": "Stop taking isotretinoin and call your prescriber right away: the Medication Guide says to do this if you start to feel sad or have crying spells. If you feel unsafe, call or text 988, or call 911 if you are in danger.",
        "learn_slug": "mood",
        "learn_anchor": "",
    },
    {
        "code": "sun-unprotected",
        "title": "Sun without sunscreen",
        "severity": "warning",
        "threshold": 30,
        "notify": "patient",
        "run_days": None,
        "message": "You spent a while in the sun without sunscreen.",
        "advice": "Isotretinoin makes your skin more sensitive to sunlight: avoid the sun as much as you can, cover up, seek shade and use a broad-spectrum sunscreen.",
        "learn_slug": "sun-sensitivity",
        "learn_anchor": "",
    },
    {
        "code": "sunburn",
        "title": "Sunburn",
        "severity": "warning",
        "threshold": None,
        "notify": "patient",
        "run_days": None,
        "message": "You reported sunburn.",
        "advice": "Cool and moisturize the skin, keep out of the sun until it heals, and protect your skin from now on.",
        "learn_slug": "sun-sensitivity",
        "learn_anchor": "sunburn",
    },
    {
        "code": "sunburn-blistering",
        "title": "Blistering sunburn",
        "severity": "urgent",
        "threshold": None,
        "notify": "now",
        "run_days": None,
        "message": "You reported blistering sunburn.",
        "advice": "Contact your prescriber or a doctor today. Do not burst the blisters.",
        "learn_slug": "sun-sensitivity",
        "learn_anchor": "sunburn",
    },
    {
        "code": "red-flag",
        "title": "Red-flag symptom",
        "severity": "urgent",
        "threshold": None,
        "notify": "now",
        "run_days": None,
        "message": "You reported a symptom that needs medical attention.",
        "advice": "Do what the advice for each sign you reported says (below). Call 911 for hives, a swollen face or mouth, or trouble breathing; for signs of a stroke; and for a seizure that is a first seizure, lasts over 5 minutes, is followed by another, leaves the person with trouble breathing or waking up, or hurt, happens in water, or happens to someone who is pregnant.",
        "learn_slug": "warning-signs",
        "learn_anchor": "",
    },
    {
        "code": "self-harm",
        "title": "Thoughts of self-harm",
        "severity": "urgent",
        "threshold": None,
        "notify": "now",
        "run_days": None,
        "message": "You told us you have thoughts of harming yourself.",
        "advice": "You are not alone. Get help now: call or text 988, or call 911 if you are in danger. Then stop taking isotretinoin and call your prescriber right away.",
        "learn_slug": "warning-signs",
        "learn_anchor": "self_harm",
    },
]

# Course rules: evaluated by core.course on a mood check or the pregnancy-test calendar, not on
# a diary entry.
DEFAULT_RULES += [
    {
        "code": "phq2-positive",
        "title": "PHQ-2 positive",
        "severity": "urgent",
        "threshold": 3,
        "notify": "now",
        "run_days": None,
        "message": "Your mood check shows you have felt down or lost interest in things on many days.",
        "advice": "Stop taking isotretinoin and call your prescriber right away: the Medication Guide says to do this if you start to feel sad or lose interest in activities you once enjoyed. If you feel unsafe, call or text 988, or call 911 if you are in danger.",
        "learn_slug": "mood",
        "learn_anchor": "mood-check",
    },
    {
        "code": "phq9-moderate",
        "title": "PHQ-9 moderate or moderately severe",
        "severity": "urgent",
        "threshold": 10,
        "notify": "now",
        "run_days": None,
        "message": "Your mood check shows moderate or moderately severe symptoms of depression.",
        "advice": "Stop taking isotretinoin and call your prescriber right away: the Medication Guide says to do this if you have signs of depression. If you feel unsafe, call or text 988, or call 911 if you are in danger.",
        "learn_slug": "mood",
        "learn_anchor": "",
    },
    {
        "code": "phq9-severe",
        "title": "PHQ-9 severe",
        "severity": "urgent",
        "threshold": 20,
        "notify": "now",
        "run_days": None,
        "message": "Your mood check shows severe symptoms of depression.",
        "advice": "Stop taking isotretinoin and call your prescriber right away. If you feel unsafe, call or text 988, or call 911 if you are in danger.",
        "learn_slug": "mood",
        "learn_anchor": "get-help-now",
    },
    {
        "code": "phq9-item9",
        "title": "PHQ-9 item 9 (thoughts of death or self-harm)",
        "severity": "urgent",
        "threshold": 1,
        "notify": "now",
        "run_days": None,
        "message": "You told us you have had thoughts that you would be better off dead or of hurting yourself.",
        "advice": "You are not alone. Get help now: call or text 988, or call 911 if you are in danger. Then stop taking isotretinoin and call your prescriber right away.",
        "learn_slug": "mood",
        "learn_anchor": "get-help-now",
    },
    {
        "code": "pregnancy-test-due",
        "title": "Pregnancy test missed",
        "severity": "warning",
        "threshold": None,
        "notify": "digest",
        "run_days": None,
        "message": "Your pregnancy test is overdue.",
        "advice": "Have your test as soon as possible and log the result: your next prescription depends on it.",
        "learn_slug": "pregnancy",
        "learn_anchor": "ipledge",
    },
    {
        "code": "pregnancy-positive",
        "title": "Positive pregnancy test",
        "severity": "urgent",
        "threshold": None,
        "notify": "now",
        "run_days": None,
        "message": "You logged a positive pregnancy test.",
        "advice": "Stop taking isotretinoin now and call your prescriber today.",
        "learn_slug": "pregnancy",
        "learn_anchor": "if-you-think-you-might-be-pregnant",
    },
]
# Entry rule, for a patient who can become pregnant (the entry form asks only them).
DEFAULT_RULES += [
    {
        "code": "pregnancy-risk",
        "title": "Missed period or sex without two forms of birth control",
        "severity": "urgent",
        "threshold": None,
        "notify": "now",
        "run_days": None,
        "message": "You reported a missed period or sex without two forms of birth control.",
        "advice": "Stop taking isotretinoin and call your prescriber right away: isotretinoin causes severe birth defects. If you had sex without two forms of birth control, ask about emergency contraception as soon as possible.",
        "learn_slug": "pregnancy",
        "learn_anchor": "if-you-think-you-might-be-pregnant",
    },
]
COURSE_RULE_CODES = {"phq2-positive", "phq9-moderate", "phq9-severe", "phq9-item9", "pregnancy-test-due", "pregnancy-positive"}

CLINICIAN_PERMISSIONS = [
    "view_patient",
    "change_patient",  # only the clinician's fields: target dose range, pregnancy status
    "view_moodcheck",
    "view_pregnancytest",
    "view_diaryentry",
    "view_alert",
    "change_alert",
    "view_rule",
    "view_ruleoverride",
    "add_ruleoverride",
    "change_ruleoverride",
    "delete_ruleoverride",
]


def install(apps) -> None:
    """Create the default rules (leaving edited ones alone) and the Clinicians group."""
    Rule = apps.get_model("core", "Rule")
    for values in DEFAULT_RULES:
        Rule.objects.get_or_create(code=values["code"], defaults=values)

    # Permissions are normally created after all migrations; make them now so the group gets them.
    app_config = apps.get_app_config("core")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True  # migration state apps have none
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Clinicians")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="core", codename__in=CLINICIAN_PERMISSIONS)
    )
