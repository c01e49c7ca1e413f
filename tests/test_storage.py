"""The production static storage: hashed names from the manifest, each URL worked out once."""

import json

import pytest

from core.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    manifest = {"paths": {"css/admin.css": "css/admin.0123456789ab.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_it_serves_the_hashed_name_every_time(storage):
    assert storage.url("css/admin.css") == "/static/css/admin.0123456789ab.css"
    assert storage.url("css/admin.css") == "/static/css/admin.0123456789ab.css"


def test_a_file_missing_from_the_manifest_is_an_error_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


def test_the_production_settings_use_it():
    from isodiary import settings

    assert settings.STORAGES["staticfiles"]["BACKEND"] == "core.storage.StaticFilesStorage"
