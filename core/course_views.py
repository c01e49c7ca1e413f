"""Course-tracking pages: the cumulative dose, the weekly mood check and pregnancy prevention."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import course, services
from .access import patient_for
from .findings import current_findings, findings_context
from .forms import ContraceptionForm, MoodCheckForm, PregnancyTestForm
from .models import Patient

MOOD_CHECK_DAYS = 7
PREGNANCY_RULES = {"pregnancy-positive", "pregnancy-test-due"}


def course_context(patient: Patient, today: date) -> dict:
    """Cumulative dose and the weekly mood check, for the dashboard and the clinician's page."""
    total = None
    if patient.course_start:
        taken = patient.entries.filter(date__gte=patient.course_start, date__lte=today)
        total = taken.aggregate(total=Sum("dose_mg"))["total"]
    last_check = patient.mood_checks.aggregate(last=Max("date"))["last"]
    dose = course.dose_summary(
        [total], course_start=patient.course_start, today=today,
        weight_kg=patient.weight_kg, target_low=patient.target_low_mg_per_kg, target_high=patient.target_high_mg_per_kg,
    )
    return {
        "dose": dose,
        # Shown beside the dose per kilogram: in kilograms, and as the patient gave it.
        "weight_kg": patient.weight_kg,
        "weight_label": patient.weight_label if patient.weight_unit != "kg" else "",
        "mood_check_due": last_check is None or (today - last_check).days >= MOOD_CHECK_DAYS,
        "last_mood_check": last_check,
    }


def pregnancy_context(patient: Patient, today: date) -> dict:
    """The pregnancy-prevention calendar (read only: send_reminders raises a missed-test warning)."""
    last_negative = patient.pregnancy_tests.filter(result="negative").values_list("date", flat=True).first()
    return {
        "test_due": services.next_pregnancy_test(patient, today),
        "collect_by": course.prescription_deadline(last_negative),
        "contraception_until": course.contraception_until(patient.course_end),
    }


@login_required
@require_http_methods(["GET", "POST"])
def mood_check(request: HttpRequest) -> HttpResponse:
    patient = patient_for(request)
    form = MoodCheckForm()
    status = 200
    if request.method == "POST":
        form = MoodCheckForm.for_post(request.POST)
        if form.is_valid():
            if not form.full and form.phq2_positive:
                # PHQ-2 of 3 or more: straight on to the remaining seven items, answers kept.
                form = MoodCheckForm(initial=form.cleaned_data, full=True)
                return render(request, "core/mood_check.html", {"form": form, "continued": True})
            check = services.mood_check_save(patient=patient, answers=form.answers(), on=patient.today())
            messages.success(request, f"Thank you. Your mood check is saved ({check.band}).")
            return redirect("dashboard")
        status = 400
    return render(request, "core/mood_check.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pregnancy(request: HttpRequest) -> HttpResponse:
    patient = patient_for(request)
    if not patient.can_become_pregnant:
        context = {"patient": patient, "has_clinician": patient.clinicians.exists()}
        return render(request, "core/pregnancy.html", context)
    today = patient.today()
    test_form = PregnancyTestForm(patient=patient, initial={"date": today})
    contraception_form = ContraceptionForm(instance=patient)
    status = 200
    if request.method == "POST" and "log_test" in request.POST:
        test_form = PregnancyTestForm(request.POST, patient=patient)
        if test_form.is_valid():
            services.pregnancy_test_save(test=test_form.instance)
            messages.success(request, "Your test result is saved.")
            return redirect("pregnancy")
        status = 400
    elif request.method == "POST":
        contraception_form = ContraceptionForm(request.POST, instance=patient)
        if contraception_form.is_valid():
            contraception_form.save()
            messages.success(request, "Your contraception is saved.")
            return redirect("pregnancy")
        status = 400
    # After a positive test the page itself says stop and call (the urgent alert it raised), as the
    # dashboard does: every urgent finding, and this page's own warnings.
    findings = findings_context(current_findings(patient, today), patient.tz)
    context = {
        "patient": patient,
        "findings": findings["urgent_findings"] + [g for g in findings["other_findings"]
                                                   if g.rule_code in PREGNANCY_RULES],
        "tests": list(patient.pregnancy_tests.all()),
        "test_form": test_form,
        "contraception_form": contraception_form,
        "today": today,
        **pregnancy_context(patient, today),
    }
    return render(request, "core/pregnancy.html", context, status=status)
