"""Every string a patient reads is marked for translation. Issue 19's new strings, as xgettext (the
tool behind `manage.py makemessages`) finds them in the files that write them: the dates of a
finding ("November 14 to November 23, 2026 (10 days)"), the weight units, the profile's new fields
and the message after deleting an entry."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

XGETTEXT = shutil.which("xgettext")
pytestmark = pytest.mark.skipif(XGETTEXT is None, reason="needs GNU gettext's xgettext")
ROOT = Path(__file__).resolve().parents[1]


def marked(path: str) -> set[str]:
    out = subprocess.run(
        [XGETTEXT, "--language=Python", "--from-code=UTF-8", "--keyword=_", "--keyword=gettext",
         "--keyword=gettext_lazy", "--keyword=ngettext:1,2", "--output=-", str(ROOT / path)],
        capture_output=True, text=True, check=True,
    ).stdout
    return set(re.findall(r'^msgid(?:_plural)? "(.+)"$', out, flags=re.M))


@pytest.mark.parametrize("path, strings", [
    ("core/dates.py", {"%(start)s to %(end)s (%(length)s)", "%(days)d day", "%(days)d days"}),
    ("core/models/patients.py", {"lb", "kg"}),
    ("core/views.py", {"The entry for %(day)s is deleted."}),
    ("core/forms.py", {"Weight", "Weight in", "I can become pregnant",
                       "Enter a weight from %(low)s to %(high)s %(unit)s, or leave it empty."}),
])
def test_the_strings_a_patient_reads_are_marked_for_translation(path, strings):
    assert strings - marked(path) == set()
