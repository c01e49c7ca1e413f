"""Every string a patient reads is marked for translation: Django's own extraction (makemessages, which
runs GNU xgettext) finds it, and the Spanish catalog translates it (issue 25).
Issue 20's new patient-facing text (the rate-limit page, the password-reset
subject, the date-range errors, the e-mails about a reused address and a second factor) and the reminders."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parent.parent

ISSUE_20_STRINGS = [
    "Too many attempts",
    "There have been too many attempts from your network. Please try again in %(minutes)s minute.",
    "Password reset",
    "Choose a date from %(earliest)s to today.",
    "Choose a date from %(earliest)s to %(latest)s.",
    "A new account with your e-mail address",
    "Someone has just created a new account with this e-mail address at {site}.",
    "Two-factor sign-in was set up on your account",
    "Two-factor sign-in was reset on your account",
    "Time for today's entry",
    "A reminder to write today's entry: {url}",
    "Something to do in your diary",
    "There is something for you to do in your diary.",
]


# Issue 25: the project's own extraction command (README, "Languages"), exactly as written.
MAKEMESSAGES_ES = ["manage.py", "makemessages", "-l", "es", "--add-location=file", "--ignore=staticfiles",
                   "--ignore=bench", "--ignore=tests", "--ignore=screenshots", "--ignore=node_modules"]
NOT_SOURCES = shutil.ignore_patterns(".venv", ".git", "staticfiles", "screenshots", "node_modules", "bench", "tests",
                                     "__pycache__", "*.mo", "*.sqlite3*", ".pytest_cache", ".ruff_cache")


def message_ids(po: Path) -> list[str]:
    """The msgid texts of a .po file, each joined from its quoted lines."""
    ids, current = [], None
    for line in po.read_text().splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            current = [line.split(" ", 1)[1]]
            ids.append(current)
        elif line.startswith('"') and current is not None:
            current.append(line)
        else:
            current = None
    return ["".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "".join(parts))).replace("\\n", "\n").replace('\\"', '"')
            for parts in ids]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext (xgettext)")
def test_makemessages_finds_every_new_string_a_patient_reads(tmp_path, settings, monkeypatch):
    # On a copy of the sources: makemessages writes into the project's own locale/ when there is one.
    copy = tmp_path / "src"
    shutil.copytree(REPO, copy, ignore=NOT_SOURCES)
    settings.LOCALE_PATHS = []
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["xx"], ignore_patterns=["tests/*", "bench/*", "node_modules/*"], verbosity=0)
    found = "\n".join(message_ids(copy / "locale" / "xx" / "LC_MESSAGES" / "django.po"))
    missing = [text for text in ISSUE_20_STRINGS if text not in found]
    assert missing == []


def po_entries(po: Path) -> list[dict]:
    """Each entry of a .po file: its flags, msgid and msgstr(s), the quoted lines joined."""
    entries = []
    for block in po.read_text().split("\n\n"):
        entry, key = {"flags": "", "msgid": None, "msgstr": []}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#~"):
                key = None  # obsolete: no longer in the sources
            elif match := re.match(r'^(msgid|msgid_plural|msgctxt|msgstr(?:\[\d\])?) "(.*)"$', line):
                key = match.group(1)
                if key == "msgid":
                    entry["msgid"] = match.group(2)
                elif key.startswith("msgstr"):
                    entry["msgstr"].append(match.group(2))
            elif line.startswith('"') and key == "msgid":
                entry["msgid"] += line[1:-1]
            elif line.startswith('"') and key and key.startswith("msgstr"):
                entry["msgstr"][-1] += line[1:-1]
        if entry["msgid"]:  # not the header
            entries.append(entry)
    return entries


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext (xgettext)")
def test_makemessages_leaves_nothing_untranslated_or_fuzzy_in_spanish(tmp_path):
    # On a copy of the sources: the working tree's .po file is not touched.
    copy = tmp_path / "src"
    shutil.copytree(REPO, copy, ignore=NOT_SOURCES)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "isodiary.settings", "DEBUG": "1"}
    subprocess.run([sys.executable, *MAKEMESSAGES_ES], cwd=copy, env=env, check=True, capture_output=True)
    entries = po_entries(copy / "locale" / "es" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    print("\n".join(["Untranslated:", *untranslated, "Fuzzy:", *fuzzy]))
    assert untranslated == [] and fuzzy == []
