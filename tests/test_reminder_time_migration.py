"""Migration 0012 (issue 24): the reminder hour becomes a time of day, and the data-version
triggers survive SQLite's rebuild of the patient table."""

from datetime import time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = [("core", "0016_anything_unusual")], [("core", "0017_push_reminders")]


@pytest.mark.django_db(transaction=True)
def test_reminder_hours_become_times_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User, Patient = old.get_model("auth", "User"), old.get_model("core", "Patient")
    for name, hour in [("evening", 20), ("midnight", 0), ("none", None)]:
        Patient.objects.create(user=User.objects.create(username=name), time_zone="UTC", reminder_hour=hour)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("core", "Patient")
        times = dict(new.objects.values_list("user__username", "reminder_time"))
        assert times == {"evening": time(20), "midnight": time(0), "none": None}
        version = new.objects.get(user__username="none").data_version
        new.objects.filter(user__username="none").update(display_name="x")  # the trigger is back
        assert new.objects.get(user__username="none").data_version == version + 1
        new.objects.filter(user__username="evening").update(reminder_time=time(20, 45))

        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        hours = dict(Patient.objects.values_list("user__username", "reminder_hour"))
        assert hours == {"evening": 20, "midnight": 0, "none": None}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
