import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    # Exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


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
    defaults = {(rule["code"], "advice"): rule["advice"] for rule in DEFAULT_RULES}
    for code, field, old, new in migration.TEXTS:
        assert defaults[(code, field)] == new  # a fresh install and an upgraded one say the same
        Rule.objects.filter(code=code).update(**{field: old})
    Rule.objects.filter(code="phq9-severe").update(advice="Ring Dr Lee on 555-0100.")

    migration.forwards(apps, None)

    for code, field, _old, new in migration.TEXTS:
        expected = "Ring Dr Lee on 555-0100." if code == "phq9-severe" else new
        assert getattr(Rule.objects.get(code=code), field) == expected
    assert "988" in Rule.objects.get(code="mood-persistent-low").advice
    migration.backwards(apps, None)
    assert Rule.objects.get(code="mood-low").advice == migration.TEXTS[0][2]
