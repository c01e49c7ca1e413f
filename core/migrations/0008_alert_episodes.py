"""Alerts become episodes (first day, last day, days, worst value), with an acknowledgement
outcome and note, notification times, and the notifications sent (first of three steps: the data
is merged by 0008x, and 0008y finishes the schema)."""

import importlib

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


# The page cache's triggers, as 0007 defines them (that migration is frozen like this one): SQLite
# drops a table's triggers when a migration rebuilds it, as this one and 0008y do with core_alert.
triggers = importlib.import_module("core.migrations.0007_patient_version_triggers")


def reinstall_triggers(apps, schema_editor):
    triggers.drop_triggers(apps, schema_editor)
    triggers.install_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_patient_version_triggers"),
        ("post_office", "0014_alter_email_recipient_delivery_status_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Backwards, last: the reversed operations below rebuild the table again.
        migrations.RunPython(migrations.RunPython.noop, reinstall_triggers),
        migrations.RemoveConstraint(model_name="alert", name="one_alert_per_entry_and_rule"),
        migrations.RemoveIndex(model_name="alert", name="alert_patient_date"),
        migrations.RenameField(model_name="alert", old_name="entry_date", new_name="last_day"),
        migrations.AlterField(model_name="alert", name="last_day", field=models.DateField(verbose_name="last day")),
        migrations.AddField(
            model_name="alert", name="first_day", field=models.DateField(null=True, verbose_name="first day")
        ),
        migrations.AddField(model_name="alert", name="days", field=models.PositiveSmallIntegerField(default=1)),
        migrations.AlterField(
            model_name="alert", name="detail",
            field=models.CharField(blank=True, max_length=300, verbose_name="latest value"),
        ),
        migrations.AddField(
            model_name="alert", name="worst",
            field=models.CharField(blank=True, max_length=300, verbose_name="worst value"),
        ),
        migrations.AddField(
            model_name="alert", name="outcome",
            field=models.CharField(blank=True, max_length=20, choices=[
                ("contacted", "Contacted the patient"), ("advised_stop", "Advised to stop"),
                ("no_action", "Reviewed, no action"), ("other", "Other"),
            ]),
        ),
        migrations.AddField(
            model_name="alert", name="note",
            field=models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(2000)]),
        ),
        migrations.AddField(
            model_name="alert", name="notified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="notification queued"),
        ),
        migrations.AddField(
            model_name="alert", name="emailed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="clinician e-mailed"),
        ),
        migrations.AddField(model_name="alert", name="escalated_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.CreateModel(
            name="Notification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=20, choices=[
                    ("urgent", "New urgent alert"), ("digest", "Daily digest"), ("escalation", "Escalation"),
                ])),
                ("to", models.EmailField(max_length=254)),
                ("for_date", models.DateField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("alerts", models.ManyToManyField(related_name="notifications", to="core.alert")),
                ("mail", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                    to="post_office.email",
                )),
                ("user", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                    to=settings.AUTH_USER_MODEL,
                )),
            ],
            options={
                "ordering": ["-created_at"],
                "constraints": [models.UniqueConstraint(
                    condition=models.Q(kind="digest"), fields=("to", "for_date"), name="one_digest_a_day",
                )],
            },
        ),
    ]
