"""Every string a patient reads is marked for translation: Django's own extraction (makemessages, which
runs GNU xgettext) finds it. Issue 20's new patient-facing text (the rate-limit page, the password-reset
subject, the date-range errors, the e-mails about a reused address and a second factor) and the reminders."""

import re
import shutil
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
    settings.LOCALE_PATHS = [str(tmp_path)]
    monkeypatch.chdir(REPO)
    # The project's own locale/ folder (issue 25) takes the project's files: the catalog is written there.
    written = REPO / "locale" / "xx"
    try:
        call_command("makemessages", locale=["xx"], ignore_patterns=["tests/*", "bench/*", "node_modules/*"],
                     verbosity=0)
        folder = written if written.exists() else tmp_path / "xx"
        found = "\n".join(message_ids(folder / "LC_MESSAGES" / "django.po"))
    finally:
        shutil.rmtree(written, ignore_errors=True)
    missing = [text for text in ISSUE_20_STRINGS if text not in found]
    assert missing == []
