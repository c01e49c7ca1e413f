import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    # Exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_day_alerts_become_episodes_without_losing_their_days():
    from datetime import UTC, date, datetime, timedelta

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("core", "0008_alert_episodes")], [("core", "0008y_alert_episodes_finish")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="migrated")
    patient = old.get_model("core", "Patient").objects.create(user=user, time_zone="UTC")
    d = date(2026, 11, 1)
    lips = {1: 8, 2: 9, 4: 7, 5: 2, 6: 8, 7: 8, 8: 8}  # day 3 missing; day 5 logged below the threshold
    entries = {n: old.get_model("core", "DiaryEntry").objects.create(
        patient=patient, date=d + timedelta(days=n), skin_dryness=0, lip_dryness=v, eye_dryness=0, mood=7,
        sun_minutes=0) for n, v in lips.items()}
    Alert = old.get_model("core", "Alert")

    def alert(n, **extra):
        return Alert.objects.create(patient=patient, entry=entries[n], last_day=d + timedelta(days=n),
                                    rule_code="dryness-high", severity="warning", level=2, message="m", advice="a",
                                    detail=f"Lip dryness {lips[n]}", learn_url="/learn/dryness/", **extra)

    first = alert(1)
    for n in (2, 4, 6):
        alert(n)
    moment = datetime(2026, 11, 10, tzinfo=UTC)
    alert(7, acknowledged_at=moment, outcome="")
    alert(8, resolved_at=moment)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("core", "Alert")
    rows = [(a.pk == first.pk, (a.first_day - d).days, (a.last_day - d).days, a.days, a.worst, a.detail,
             a.acknowledged_at is not None, a.resolved_at is not None)
            for a in new.objects.order_by("first_day")]
    assert rows == [
        (True, 1, 4, 3, "Lip dryness 9", "Lip dryness 7", False, False),  # the missing day 3 does not end it
        (False, 6, 6, 1, "Lip dryness 8", "Lip dryness 8", False, False),  # day 5 did
        (False, 7, 7, 1, "Lip dryness 8", "Lip dryness 8", True, False),  # acknowledged: as the clinician saw it
        (False, 8, 8, 1, "Lip dryness 8", "Lip dryness 8", False, True),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_single_day_episode_covered_by_its_run_rules_episode_is_resolved():
    from datetime import UTC, date, datetime, timedelta

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("core", "0008_alert_episodes")], [("core", "0008y_alert_episodes_finish")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    d = date(2026, 11, 1)
    Alert = old.get_model("core", "Alert")

    def patient_with(days, name):
        user = old.get_model("auth", "User").objects.create(username=name)
        patient = old.get_model("core", "Patient").objects.create(user=user, time_zone="UTC")
        entries = {n: old.get_model("core", "DiaryEntry").objects.create(
            patient=patient, date=d + timedelta(days=n), skin_dryness=0, lip_dryness=8, eye_dryness=0, mood=2,
            sun_minutes=0) for n in days}
        return patient, entries

    def alert(patient, entries, n, code, severity, **extra):
        return Alert.objects.create(patient=patient, entry=entries[n], last_day=d + timedelta(days=n), rule_code=code,
                                    severity=severity, level={"warning": 2, "urgent": 3}[severity], message="m",
                                    advice="a", detail="x", learn_url="/learn/", **extra)

    pat, entries = patient_with([1, 2, 3, 4, 5, 6], "both")
    moment = datetime(2026, 11, 10, tzinfo=UTC)
    for n in (1, 2):  # reviewed before the run rule fired: stays as the clinician saw it
        alert(pat, entries, n, "dryness-high", "warning", acknowledged_at=moment)
    for n in (3, 4, 6):
        alert(pat, entries, n, "dryness-high", "warning")
    for n in (3, 4):
        alert(pat, entries, n, "dryness-persistent", "warning")
        alert(pat, entries, n, "mood-low", "urgent")  # stronger than its run rule here: kept
        alert(pat, entries, n, "mood-persistent-low", "warning")
    other, other_entries = patient_with([3, 4], "other")
    alert(other, other_entries, 3, "dryness-high", "warning")  # another patient's run does not cover it
    alert(other, other_entries, 4, "dryness-high", "warning")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("core", "Alert")
    rows = {(a.patient.user.username, a.rule_code, (a.first_day - d).days, (a.last_day - d).days,
             a.resolved_at is not None) for a in new.objects.filter(acknowledged_at__isnull=True)}
    assert rows == {
        ("both", "dryness-high", 3, 4, True),  # said by dryness-persistent 3-4
        ("both", "dryness-high", 6, 6, False),  # day 5 ended the run; nothing covers day 6
        ("both", "dryness-persistent", 3, 4, False),
        ("both", "mood-low", 3, 4, False),  # urgent, its run rule's episode only a warning
        ("both", "mood-persistent-low", 3, 4, False),
        ("other", "dryness-high", 3, 4, False),
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_a_fresh_install_has_the_default_rules_and_the_clinicians_group():
    from django.contrib.auth.models import Group

    from core.default_rules import CLINICIAN_PERMISSIONS, DEFAULT_RULES
    from core.models import Rule

    fields = list(DEFAULT_RULES[0])
    assert list(Rule.objects.order_by("code").values(*fields)) == sorted(DEFAULT_RULES, key=lambda r: r["code"])
    group = Group.objects.get(name="Clinicians")
    assert sorted(group.permissions.values_list("codename", flat=True)) == sorted(CLINICIAN_PERMISSIONS)


def test_no_migration_imports_the_apps_code():
    # A migration that imports live code changes what it does whenever that code changes. 0001
    # names core.models' validators and defaults, as makemigrations writes any field's callables.
    from pathlib import Path

    import core.migrations

    for path in Path(core.migrations.__file__).parent.glob("0*.py"):
        imports = [line for line in path.read_text().splitlines() if line.startswith(("import core", "from core"))
                   or "    from core" in line]
        assert imports == ([] if path.name != "0001_initial.py" else ["import core.models"]), path.name


@pytest.mark.django_db
def test_0011_rewords_the_rules_still_holding_the_previous_default_and_keeps_a_clinics_own():
    import importlib

    from django.apps import apps

    from core.default_rules import DEFAULT_RULES
    from core.models import Rule

    migration = importlib.import_module("core.migrations.0011_rule_wording_review")
    later = {code: (old, new) for code, old, new, _ in
             importlib.import_module("core.migrations.0015_safety_review").TEXTS}
    defaults = {(rule["code"], "advice"): rule["advice"] for rule in DEFAULT_RULES}
    for code, field, old, new in migration.TEXTS:
        # A fresh install and an upgraded one say the same (0013 rewords some of them again).
        assert defaults[(code, field)] == (later[code][1] if code in later and later[code][0] == new else new)
        Rule.objects.filter(code=code).update(**{field: old})
    Rule.objects.filter(code="phq9-severe").update(advice="Ring Dr Lee on 555-0100.")

    migration.forwards(apps, None)

    for code, field, _old, new in migration.TEXTS:
        expected = "Ring Dr Lee on 555-0100." if code == "phq9-severe" else new
        assert getattr(Rule.objects.get(code=code), field) == expected
    assert "988" in Rule.objects.get(code="mood-persistent-low").advice
    migration.backwards(apps, None)
    assert Rule.objects.get(code="mood-low").advice == migration.TEXTS[0][2]


@pytest.mark.django_db(transaction=True)
def test_0012_answers_yes_where_a_sign_was_ticked_leaves_the_rest_not_asked_and_keeps_the_triggers():
    from datetime import date

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("core", "0015_safety_review")], [("core", "0016_anything_unusual")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="asked")
    patient = old.get_model("core", "Patient").objects.create(user=user, time_zone="UTC")
    Entry = old.get_model("core", "DiaryEntry")
    scales = {"skin_dryness": 1, "lip_dryness": 1, "eye_dryness": 1, "mood": 7, "sun_minutes": 0}
    Entry.objects.create(patient=patient, date=date(2026, 11, 1), symptoms=["jaundice"], **scales)
    Entry.objects.create(patient=patient, date=date(2026, 11, 2), symptoms=[], notes="odd day", **scales)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    answers = dict(new.get_model("core", "DiaryEntry").objects.values_list("date", "anything_unusual"))
    assert answers == {date(2026, 11, 1): "yes", date(2026, 11, 2): ""}
    # The page cache's triggers survived the table rebuild: a write to an entry raises the version.
    Patient = new.get_model("core", "Patient")
    version = Patient.objects.get(pk=patient.pk).data_version
    new.get_model("core", "DiaryEntry").objects.filter(date=date(2026, 11, 2)).update(mood=6)
    assert Patient.objects.get(pk=patient.pk).data_version > version
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_0019_routes_each_rule_and_the_alerts_already_raised():
    from datetime import date

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("core", "0018_email_queued_at")], [("core", "0019_rule_notify")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    old.get_model("core", "Rule").objects.filter(code="mood-drop").update(severity="urgent")  # a clinic's own choice
    user = old.get_model("auth", "User").objects.create(username="routed")
    patient = old.get_model("core", "Patient").objects.create(user=user, time_zone="UTC")
    d = date(2026, 11, 1)
    for code, severity in [("dryness-high", "warning"), ("mood-low", "warning"), ("sunburn-blistering", "urgent"),
                           ("dryness-high", "urgent")]:  # the last: a row made urgent in a shell
        old.get_model("core", "Alert").objects.create(patient=patient, first_day=d, last_day=d, rule_code=code,
                                                      severity=severity, level=2, message="m", advice="a")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    routes = dict(new.get_model("core", "Rule").objects.values_list("code", "notify"))
    assert {code: routes[code] for code in ("dryness-high", "sunburn", "sun-unprotected", "dryness-persistent",
                                            "mood-low", "mood-drop", "self-harm", "sunburn-blistering")} == {
        "dryness-high": "patient", "sunburn": "patient", "sun-unprotected": "patient",
        "dryness-persistent": "digest", "mood-low": "now", "mood-drop": "now", "self-harm": "now",
        "sunburn-blistering": "now"}
    alerts = new.get_model("core", "Alert").objects.order_by("pk").values_list("rule_code", "notify")
    assert list(alerts) == [("dryness-high", "patient"), ("mood-low", "now"), ("sunburn-blistering", "now"),
                            ("dryness-high", "now")]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
