"""US English dates as the audience writes them: "December 6, 2026", "1:30 p.m.", "12:00 a.m.".

Django's own "en" formats abbreviate months ("Dec. 6, 2026"); these replace only what differs, and
Django's "en" supplies the rest (input formats, separators). Pages name the formats
("DATE_FORMAT", "SHORT_DATE_FORMAT"...), so Spanish uses its own (isodiary/formats/es). The module is
"en", the language pages are shown in (LANGUAGES); "en-us" would fall back to it too."""

DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, g:i a"
MONTH_DAY_FORMAT = "F j"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "g:i a"  # "12:00 a.m.", where "P" would say "midnight"
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y g:i a"
