# Issue 21: Alert.notified_at meant "the e-mail about it was queued" (send_notifications claims the
# alert then); renamed to say so. A column rename: no table rebuild, no data change.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0017_push_reminders"),
    ]

    operations = [
        migrations.RenameField(model_name="alert", old_name="notified_at", new_name="email_queued_at"),
        migrations.AlterField(
            model_name="alert", name="email_queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="e-mail queued"),
        ),
    ]
