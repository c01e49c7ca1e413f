"""The course rules (mood checks, pregnancy tests) and the Clinicians group's permissions on the
new records, frozen as they were when this migration was written."""

from django.db import migrations

RULES = [
    {
        "code": "phq9-moderate",
        "title": "PHQ-9 moderate or moderately severe",
        "severity": "warning",
        "threshold": 10,
        "run_days": None,
        "message": "Your mood check suggests moderate depression.",
        "advice": "Tell your prescriber in the next few days. If you feel worse or unsafe, stop isotretinoin and call "
        "them now.",
        "learn_slug": "mood",
        "learn_anchor": "",
    },
    {
        "code": "phq9-severe",
        "title": "PHQ-9 severe",
        "severity": "urgent",
        "threshold": 20,
        "run_days": None,
        "message": "Your mood check suggests severe depression.",
        "advice": "Stop taking isotretinoin and call your prescriber today. If you feel unsafe, call your local "
        "emergency number now.",
        "learn_slug": "mood",
        "learn_anchor": "get-help-now",
    },
    {
        "code": "phq9-item9",
        "title": "PHQ-9 item 9 (thoughts of death or self-harm)",
        "severity": "urgent",
        "threshold": 1,
        "run_days": None,
        "message": "You told us you have had thoughts that you would be better off dead or of hurting yourself.",
        "advice": "You are not alone. Get help now, then stop isotretinoin and tell your prescriber.",
        "learn_slug": "mood",
        "learn_anchor": "get-help-now",
    },
    {
        "code": "pregnancy-test-due",
        "title": "Pregnancy test missed",
        "severity": "warning",
        "threshold": None,
        "run_days": None,
        "message": "Your pregnancy test is overdue.",
        "advice": "Have your test as soon as possible and log the result: your next prescription depends on it.",
        "learn_slug": "pregnancy",
        "learn_anchor": "the-pregnancy-prevention-programme",
    },
    {
        "code": "pregnancy-positive",
        "title": "Positive pregnancy test",
        "severity": "urgent",
        "threshold": None,
        "run_days": None,
        "message": "You logged a positive pregnancy test.",
        "advice": "Stop taking isotretinoin now and call your prescriber today.",
        "learn_slug": "pregnancy",
        "learn_anchor": "if-you-think-you-might-be-pregnant",
    },
]

# (model, codename, name)
PERMISSIONS = [
    ("moodcheck", "view_moodcheck", "Can view mood check"),
    ("pregnancytest", "view_pregnancytest", "Can view pregnancy test"),
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


class Migration(migrations.Migration):
    dependencies = [("core", "0003_course_tracking")]

    operations = [migrations.RunPython(forwards, backwards)]
