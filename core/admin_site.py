from datetime import date
from functools import partial, wraps

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import Exists, OuterRef
from django.http import HttpResponseBadRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Alert, DiaryEntry, Patient

NO_ENTRY_DAYS = 3

# The largest id a database here stores (a 64-bit integer: BigAutoField, SQLite's INTEGER).
ID_MAX = 2**63 - 1


def as_id(value: str | None) -> int | None:
    """An id from a query string or a form: ASCII digits within range, else None. str.isdigit()
    alone also takes "²" (which int() refuses) and "٣" (which it reads as 3), and a number past
    ID_MAX fails in the database: each was a 500."""
    if value and value.isascii() and value.isdigit() and len(value) <= len(str(ID_MAX)) and int(value) <= ID_MAX:
        return int(value)
    return None


def plain_numbers(value: str) -> bool:
    """False for a query-string value (each part of a comma-separated list) that has digits other
    than ASCII ones, or is a whole number past a 64-bit integer: the database fails on that one
    (a 500) where a malformed value gets the admin's own invalid-lookup redirect."""
    for part in value.split(","):
        if any(c.isdigit() and not c.isascii() for c in part):
            return False
        digits = part.strip().removeprefix("-")
        if digits.isascii() and digits.isdigit() and (len(digits) > len(str(ID_MAX)) or int(digits) > ID_MAX):
            return False
    return True


def plain_year(key: str, value: str) -> bool:
    """False for a `__year` or `__iso_year` lookup (a date filter in the query string: the admin takes
    a lookup on any field of the model) that is not a year the calendar holds, 1 to 9999: the
    database backend turns it into a date first, and a ValueError there was a 500."""
    if not {"year", "iso_year"} & set(key.split("__")):
        return True
    # Short first: int() of a very long string is slow, and past 4,300 digits an error itself.
    return all(len(part) <= 4 and part.isascii() and part.isdigit() and 1 <= int(part) <= date.max.year
               for part in value.split(","))


# Lookups the admin's own pages never put in a query string, which Django still takes on any field of
# the model: a malformed pattern (`regex`), a range with one end (`range`) or `contains` on a JSON
# field (not supported by SQLite, malformed JSON for PostgreSQL) fails in the database, a 500.
REFUSED_LOOKUPS = {"regex", "iregex", "range", "contains", "contained_by"}


def plain_lookup(key: str) -> bool:
    return not REFUSED_LOOKUPS & set(key.split("__"))


def patients_without_recent_entry(queryset):
    """Patients with no entry in the last 3 days (their today included), counted by each patient's
    own day: entries are dated in the patient's time zone."""
    queryset = queryset.with_local_days(quiet_from=NO_ENTRY_DAYS - 1)
    recent = DiaryEntry.objects.filter(patient=OuterRef("pk"), date__gte=OuterRef("quiet_from"))
    return queryset.filter(~Exists(recent))


class IsodiaryAdminSite(admin.AdminSite):
    site_header = _("isodiary · clinician review")
    site_title = _("isodiary admin")
    index_title = _("Review")
    # The sidebar rebuilds the whole app list on every page; the breadcrumbs and index do the job.
    enable_nav_sidebar = False

    def has_permission(self, request):
        # As django_otp.admin.OTPAdminSite: staff who have not given their second factor in this
        # session are not let in (TwoFactorMiddleware has already sent them to the code page).
        return super().has_permission(request) and request.user.is_verified()

    def admin_view(self, view, cacheable=False):
        """Every admin page (Django's, ours, the audit trail's and the mail queue's): an odd number in
        the query string (a list filter, a lookup), a lookup of REFUSED_LOOKUPS or an odd action
        selection is a 400, never a 500.
        The search box is left alone: it searches text."""

        @wraps(view)
        def plain_numbers_only(request, *args, **kwargs):
            query = [(key, value) for key, values in request.GET.lists() if key != SEARCH_VAR for value in values]
            if not all(plain_numbers(value) and plain_year(key, value) for key, value in query):
                return HttpResponseBadRequest(gettext("That address has a number out of range: go back to the list."))
            if not all(plain_lookup(key) for key, _value in query):
                return HttpResponseBadRequest(
                    gettext("That address has a filter the list does not offer: go back to the list."))
            selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if request.method == "POST" else []
            # The admin filters an action's queryset by the ticked ids as sent: one that is not an id
            # raises ValueError inside Django's action handling, one past the range fails in the database.
            if not all(as_id(value) is not None for value in selected):
                return HttpResponseBadRequest(gettext("That is not a valid selection: tick the rows in the list."))
            return view(request, *args, **kwargs)

        return super().admin_view(plain_numbers_only, cacheable)

    def get_app_list(self, request, app_label=None):
        # Django builds the app list (four permission checks a model) for every admin page's
        # context, for the sidebar that is off here: build it only where a page shows it.
        return SimpleLazyObject(partial(super().get_app_list, request, app_label))

    def index(self, request, extra_context=None):
        patients = Patient.objects.for_clinician(request.user)
        alerts = Alert.objects.for_clinician(request.user).needs_clinician()
        extra_context = {
            **(extra_context or {}),
            "summary": {
                "open_urgent": alerts.filter(severity="urgent").count(),
                "open_alerts": alerts.count(),
                "quiet_patients": patients_without_recent_entry(patients).count(),
                "patients": patients.count(),
            },
        }
        return super().index(request, extra_context)
