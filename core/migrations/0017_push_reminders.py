"""Issue 24: the daily reminder becomes a time of day (`reminder_time`, any minute) instead of an hour,
reminders are claimed in batches before they are sent, and browsers subscribe to Web Push.

`reminder_hour` is copied into `reminder_time` (hour H becomes H:00) and then removed. On SQLite the
patient table is rebuilt to drop the old check constraint: the data-version triggers (0007, 0008y)
are dropped before and installed again after. Frozen: no application imports."""

import datetime
import importlib

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

version_triggers = importlib.import_module("core.migrations.0007_patient_version_triggers")
assignment_triggers = importlib.import_module("core.migrations.0008y_alert_episodes_finish")


def drop_triggers(apps, schema_editor):
    """SQLite rebuilds the patient table to drop a constraint, and a trigger of another table that
    names it stops the rebuild ("no such table: main.core_patient"): they go first, come back after."""
    version_triggers.drop_triggers(apps, schema_editor)
    assignment_triggers.drop_assignment_triggers(apps, schema_editor)


def install_triggers(apps, schema_editor):
    version_triggers.install_triggers(apps, schema_editor)
    assignment_triggers.install_assignment_triggers(apps, schema_editor)


def hour_to_time(apps, schema_editor):
    Patient = apps.get_model("core", "Patient")
    for hour in range(24):
        Patient.objects.filter(reminder_hour=hour).update(reminder_time=datetime.time(hour))


def time_to_hour(apps, schema_editor):
    Patient = apps.get_model("core", "Patient")
    for hour in range(24):
        Patient.objects.filter(reminder_time__gte=datetime.time(hour),
                               reminder_time__lte=datetime.time(hour, 59, 59)).update(reminder_hour=hour)


class Migration(migrations.Migration):

    dependencies = [
        ('core', "0016_anything_unusual"),
    ]

    operations = [
        migrations.CreateModel(
            name='PushSubscription',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('endpoint', models.URLField(max_length=1000, unique=True)),
                ('p256dh', models.CharField(max_length=100)),
                ('auth', models.CharField(max_length=50)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_used_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='patient',
            name='reminder_time',
            field=models.TimeField(blank=True, help_text="The time of day (your time zone) to remind you if you have not written that day's entry. Empty: no reminder.", null=True, verbose_name='daily reminder at'),
        ),
        migrations.RunPython(hour_to_time, time_to_hour),
        migrations.RunPython(drop_triggers, install_triggers),
        migrations.RemoveConstraint(
            model_name='patient',
            name='patient_reminder_hour',
        ),
        migrations.RemoveField(
            model_name='patient',
            name='reminder_hour',
        ),
        migrations.RunPython(install_triggers, drop_triggers),
        migrations.AddField(
            model_name='reminder',
            name='channel',
            field=models.CharField(blank=True, choices=[('push', 'Push'), ('email', 'E-mail')], max_length=10),
        ),
        migrations.AddField(
            model_name='reminder',
            name='claim',
            field=models.CharField(blank=True, default='', max_length=32),
        ),
        migrations.AddField(
            model_name='reminder',
            name='claimed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='sent_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='reminder',
            index=models.Index(fields=['sent_at', 'claimed_at'], name='reminder_unsent'),
        ),
        migrations.AddField(
            model_name='pushsubscription',
            name='patient',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='push_subscriptions', to='core.patient'),
        ),
    ]
