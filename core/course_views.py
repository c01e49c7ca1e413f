"""Course-tracking pages: the cumulative dose, the weekly mood check and pregnancy prevention."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from . import services
from .access import patient_for
from .course import band_label
from .findings import current_findings, findings_context
from .forms import ContraceptionForm, MoodCheckForm, PregnancyTestForm
from .selectors import pregnancy_context

PREGNANCY_RULES = {"pregnancy-positive", "pregnancy-test-due"}


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
            messages.success(request, gettext("Thank you. Your mood check is saved (%(band)s).")
                             % {"band": band_label(check.band)})
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
            messages.success(request, gettext("Your test result is saved."))
            return redirect("pregnancy")
        status = 400
    elif request.method == "POST":
        contraception_form = ContraceptionForm(request.POST, instance=patient)
        if contraception_form.is_valid():
            services.patient_save(patient=contraception_form.save(commit=False),
                                  changed=contraception_form.changed_data)
            messages.success(request, gettext("Your contraception is saved."))
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
