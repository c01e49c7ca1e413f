from datetime import timedelta
from functools import partial

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .models import Alert, DiaryEntry, Patient

NO_ENTRY_DAYS = 3


def patients_without_recent_entry(queryset, today=None):
    """Patients with no entry in the last 3 days (today included)."""
    today = today or timezone.localdate()
    recent = DiaryEntry.objects.filter(patient=OuterRef("pk"), date__gt=today - timedelta(days=NO_ENTRY_DAYS))
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
