from django.db import migrations

from core.default_rules import DEFAULT_RULES, install


def forwards(apps, schema_editor):
    install(apps)


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
