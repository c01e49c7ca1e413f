from django.contrib.auth.management import create_permissions
from django.db import migrations

from core.default_rules import CLINICIAN_PERMISSIONS, DEFAULT_RULES


def forwards(apps, schema_editor):
    Rule = apps.get_model("core", "Rule")
    for values in DEFAULT_RULES:
        Rule.objects.update_or_create(code=values["code"], defaults=values)

    # Permissions are normally created after all migrations; make them now so the group gets them.
    app_config = apps.get_app_config("core")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Clinicians")
    group.permissions.set(Permission.objects.filter(content_type__app_label="core", codename__in=CLINICIAN_PERMISSIONS))


def backwards(apps, schema_editor):
    apps.get_model("core", "Rule").objects.filter(code__in=[r["code"] for r in DEFAULT_RULES]).delete()
    apps.get_model("auth", "Group").objects.filter(name="Clinicians").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
