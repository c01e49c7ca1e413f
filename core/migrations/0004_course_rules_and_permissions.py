from django.db import migrations

from core.default_rules import install


def forwards(apps, schema_editor):
    install(apps)  # adds the course rules; gives Clinicians the new permissions


class Migration(migrations.Migration):
    dependencies = [("core", "0003_course_tracking")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
