from functools import partial

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.functional import SimpleLazyObject

from .models import Alert, DiaryEntry, Patient

NO_ENTRY_DAYS = 3


def patients_without_recent_entry(queryset):
    """Patients with no entry in the last 3 days (their today included), counted by each patient's
    own day: entries are dated in the patient's time zone."""
    queryset = queryset.with_local_days(quiet_from=NO_ENTRY_DAYS - 1)
    recent = DiaryEntry.objects.filter(patient=OuterRef("pk"), date__gte=OuterRef("quiet_from"))
    return queryset.filter(~Exists(recent))


class IsodiaryAdminSite(admin.AdminSite):
    site_header = "isodiary · clinician review"
    site_title = "isodiary admin"
    index_title = "Review"
    # The sidebar rebuilds the whole app list on every page; the breadcrumbs and index do the job.
    enable_nav_sidebar = False

    def has_permission(self, request):
        # As django_otp.admin.OTPAdminSite: staff who have not given their second factor in this
        # session are not let in (TwoFactorMiddleware has already sent them to the code page).
        return super().has_permission(request) and request.user.is_verified()

    def get_app_list(self, request, app_label=None):
        # Django builds the app list (four permission checks a model) for every admin page's
        # context, for the sidebar that is off here: build it only where a page shows it.
        return SimpleLazyObject(partial(super().get_app_list, request, app_label))

    def index(self, request, extra_context=None):
        patients = Patient.objects.for_clinician(request.user)
        alerts = Alert.objects.for_clinician(request.user).open()
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
