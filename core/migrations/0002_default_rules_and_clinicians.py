"""The warning rules of the diary and the Clinicians group, as they were when this migration was
written: the data is frozen here, so a later edit of the rules in the code (or the admin) never
changes what a fresh install gets from this step."""

from django.db import migrations

RULES = [
    {
        "code": "dryness-high",
        "title": "High dryness",
        "severity": "warning",
        "threshold": 7,
        "run_days": None,
        "message": "Your dryness is high today.",
        "advice": "Moisturise often, use lip balm and eye drops. If it stays this high for a few days, tell your "
        "prescriber.",
        "learn_slug": "dryness",
        "learn_anchor": "",
    },
    {
        "code": "dryness-persistent",
        "title": "Persistent high dryness",
        "severity": "warning",
        "threshold": 7,
        "run_days": 3,
        "message": "Your dryness has been high for several days in a row.",
        "advice": "Tell your prescriber in the next day or two: they may adjust your dose or skin care.",
        "learn_slug": "dryness",
        "learn_anchor": "when-to-tell",
    },
    {
        "code": "mood-low",
        "title": "Low mood",
        "severity": "warning",
        "threshold": 3,
        "run_days": None,
        "message": "Your mood is low today.",
        "advice": "Talk to someone you trust. If you also notice other signs of depression, stop isotretinoin and call "
        "your prescriber.",
        "learn_slug": "mood",
        "learn_anchor": "",
    },
    {
        "code": "mood-persistent-low",
        "title": "Persistently low mood",
        "severity": "urgent",
        "threshold": 3,
        "run_days": 3,
        "message": "Your mood has been low for several days in a row.",
        "advice": "Stop taking isotretinoin and call your prescriber today. If you feel unsafe, call your local "
        "emergency number now.",
        "learn_slug": "mood",
        "learn_anchor": "get-help-now",
    },
    {
        "code": "mood-drop",
        "title": "Sudden drop in mood",
        "severity": "warning",
        "threshold": 3,
        "run_days": None,
        "message": "Your mood is much lower than in the past week.",
        "advice": "Keep an eye on how you feel over the next days and tell your prescriber if it does not lift.",
        "learn_slug": "mood",
        "learn_anchor": "",
    },
    {
        "code": "sun-unprotected",
        "title": "Sun without sunscreen",
        "severity": "warning",
        "threshold": 30,
        "run_days": None,
        "message": "You spent a while in the sun without sunscreen.",
        "advice": "Your skin burns easily on isotretinoin: use SPF 30 or higher, cover up and seek shade.",
        "learn_slug": "sun-sensitivity",
        "learn_anchor": "",
    },
    {
        "code": "sunburn",
        "title": "Sunburn",
        "severity": "warning",
        "threshold": None,
        "run_days": None,
        "message": "You reported sunburn.",
        "advice": "Cool and moisturise the skin, keep out of the sun until it heals, and protect your skin from now on.",
        "learn_slug": "sun-sensitivity",
        "learn_anchor": "sunburn",
    },
    {
        "code": "sunburn-blistering",
        "title": "Blistering sunburn",
        "severity": "urgent",
        "threshold": None,
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
        "run_days": None,
        "message": "You reported a symptom that needs medical attention.",
        "advice": "Stop taking isotretinoin and call your prescriber now. If it is severe or you have trouble "
        "breathing, call your local emergency number.",
        "learn_slug": "warning-signs",
        "learn_anchor": "",
    },
    {
        "code": "self-harm",
        "title": "Thoughts of self-harm",
        "severity": "urgent",
        "threshold": None,
        "run_days": None,
        "message": "You told us you have thoughts of harming yourself.",
        "advice": "You are not alone. Get help now, then stop isotretinoin and tell your prescriber.",
        "learn_slug": "warning-signs",
        "learn_anchor": "self_harm",
    },
]

# (model, codename, name)
PERMISSIONS = [
    ("patient", "view_patient", "Can view patient"),
    ("patient", "change_patient", "Can change patient"),
    ("diaryentry", "view_diaryentry", "Can view diary entry"),
    ("alert", "view_alert", "Can view alert"),
    ("alert", "change_alert", "Can change alert"),
    ("rule", "view_rule", "Can view rule"),
    ("ruleoverride", "view_ruleoverride", "Can view rule override"),
    ("ruleoverride", "add_ruleoverride", "Can add rule override"),
    ("ruleoverride", "change_ruleoverride", "Can change rule override"),
    ("ruleoverride", "delete_ruleoverride", "Can delete rule override"),
]


def add_permissions(apps, permissions) -> list:
    """The permissions Django would create after migrating, made now so the group can have them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    made = []
    for model, codename, name in permissions:
        content_type, _ = ContentType.objects.get_or_create(app_label="core", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        made.append(permission)
    return made


def forwards(apps, schema_editor):
    Rule = apps.get_model("core", "Rule")
    for values in RULES:
        Rule.objects.get_or_create(code=values["code"], defaults=values)
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Clinicians")
    group.permissions.add(*add_permissions(apps, PERMISSIONS))


def backwards(apps, schema_editor):
    apps.get_model("core", "Rule").objects.filter(code__in=[r["code"] for r in RULES]).delete()
    apps.get_model("auth", "Group").objects.filter(name="Clinicians").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
