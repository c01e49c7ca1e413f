"""Alerts as episodes, last step: every alert now has its first day, and none points at one entry."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0008x_alert_episodes_data")]

    operations = [
        migrations.AlterField(model_name="alert", name="first_day", field=models.DateField(verbose_name="first day")),
        migrations.RemoveField(model_name="alert", name="entry"),
        migrations.AddIndex(
            model_name="alert", index=models.Index(fields=["patient", "last_day"], name="alert_patient_date"),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(condition=models.Q(first_day__lte=models.F("last_day")),
                                              name="alert_days_in_order"),
        ),
    ]
