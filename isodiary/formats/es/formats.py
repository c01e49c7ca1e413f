"""Spanish for US readers: dates in Spanish words, "6 de diciembre de 2026", "8:00 p. m.", and the
numbers as in English, "1,000.5" (the patient's other papers, a US prescription label, write them
so). Short dates stay month first, 12/06/2026, as US forms in Spanish write them.

Django's own "es" formats give a 24-hour clock and a decimal comma; these replace what differs, and
Django's "es" supplies the rest (input formats: forms here send ISO dates and times, which Django
accepts in every language)."""

from django.utils.translation import gettext_noop

DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, g:i a"
MONTH_DAY_FORMAT = r"j \d\e F"
YEAR_MONTH_FORMAT = r"F \d\e Y"
TIME_FORMAT = "g:i a"
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y g:i a"
FIRST_DAY_OF_WEEK = 0  # Sunday, as US calendars
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

# The "a" of TIME_FORMAT is Django's own "a.m."/"p.m." message, which Django's Spanish catalog leaves
# as it is: isodiary's catalog (LOCALE_PATHS, read first) gives them the Spanish "a. m."/"p. m.".
gettext_noop("a.m.")
gettext_noop("p.m.")
