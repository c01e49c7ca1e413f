"""A person's own account: two-factor sign-in, their data as JSON, deleting it, other sessions."""

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import accounts, twofactor
from .access import patient_for
from .export import patient_export
from .forms import EnrolForm, PasswordConfirmForm, PatientEnrolForm, TokenForm

TOO_MANY = _("Too many wrong codes in a row. Wait a moment, then enter the code the app shows now.")


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


def _home(request: HttpRequest) -> str:
    return "admin:index" if request.user.is_staff else "dashboard"


# --- Two-factor sign-in -----------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (staff must before the admin opens), or manage it once set up."""
    user = request.user
    if twofactor.enrolled(user):
        if not user.is_verified():
            return redirect_to_login(reverse("two_factor"), reverse("two_factor_verify"))
        return _manage(request)
    device = twofactor.setup_device(request)
    data = request.POST if request.method == "POST" else None
    form = EnrolForm(data) if user.is_staff else PatientEnrolForm(data, request=request)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm(request, device, form.cleaned_data["otp_token"])
        if codes is not None:
            if not user.is_staff and form.cleaned_data["password"]:
                # Sessions that began without a code would carry on without one: end them.
                accounts.sign_out_other_sessions(request, form.cleaned_data["password"])
                messages.success(request, gettext("Two-factor sign-in is on. Each sign-in will now ask for a code. "
                                                  "You are signed out everywhere else; this browser stays signed in."))
            elif not user.is_staff:
                messages.success(request, gettext("Two-factor sign-in is on. Each sign-in will now ask for a code. "
                                                  "Browsers where you are already signed in stay signed in: use "
                                                  "“Sign out everywhere else” on your profile to end them."))
            else:
                messages.success(request, gettext("Two-factor sign-in is on. Each sign-in will now ask for a code."))
            context = {"codes": codes, "next": _next(request, _home(request))}
            return render(request, "core/two_factor_codes.html", context)
        form.add_error("otp_token", gettext("That code is not right. Check that the phone's clock is right and enter "
                                            "the code the app shows now."))
    context = {"form": form, "config_url": device.config_url, "qr_code": twofactor.qr_code_data_uri(device.config_url),
               "secret": twofactor.secret_for_typing(device), "next": request.GET.get("next", "")}
    return render(request, "core/two_factor_setup.html", context, status=400 if form.errors else 200)


def _manage(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "codes":
        codes = twofactor.new_recovery_codes(request.user)
        return render(request, "core/two_factor_codes.html", {"codes": codes, "next": reverse("two_factor")})
    form = TokenForm(request.POST if action == "off" else None)
    if action == "off":
        if request.user.is_staff:
            messages.error(request, gettext("Staff accounts must keep two-factor sign-in."))
            return redirect("two_factor")
        if form.is_valid():
            device, _ = twofactor.verify(request.user, form.cleaned_data["otp_token"])
            if device is not None:
                twofactor.turn_off(request)
                messages.success(request, gettext("Two-factor sign-in is off. Sign-in asks for your password only."))
                return redirect("profile")
            form.add_error("otp_token", gettext("That code is not right."))
    return render(request, "core/two_factor_manage.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app or a recovery code."""
    if request.user.is_verified():
        return redirect(_next(request, _home(request)))
    if not twofactor.enrolled(request.user):
        if request.user.is_staff:
            return redirect_to_login(_next(request, _home(request)), reverse("two_factor"))
        return redirect(_next(request, _home(request)))
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        device, throttled = twofactor.verify(request.user, form.cleaned_data["otp_token"])
        if device is not None:
            request.session.cycle_key()  # a new session id once fully signed in
            django_otp.login(request, device)
            if device.name == twofactor.RECOVERY_DEVICE_NAME:
                left = device.token_set.count()
                messages.warning(request, ngettext(
                    "You used a recovery code: %(left)d left. Make new ones on the two-factor page if you are "
                    "running low.",
                    "You used a recovery code: %(left)d left. Make new ones on the two-factor page if you are "
                    "running low.", left) % {"left": left})
            return redirect(_next(request, _home(request)))
        if throttled:
            form.add_error("otp_token", TOO_MANY)
            status = 429
        else:
            form.add_error("otp_token", gettext("That code is not right. Try the code the app shows now."))
            status = 400
    return render(request, "core/two_factor_verify.html", {"form": form, "next": _next(request, _home(request))},
                  status=status if form.errors else 200)


# --- The patient's own data -------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def account_export(request: HttpRequest) -> HttpResponse:
    patient = patient_for(request)
    response = JsonResponse(patient_export(patient), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="isodiary-{patient.today().isoformat()}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    patient_for(request)  # staff accounts are not deleted here: 404
    # Bound on every POST, an empty one too: it must answer "required" with a 400, not go unvalidated.
    form = PasswordConfirmForm(request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST":
        if form.is_valid():
            accounts.delete_account(request)
            messages.success(request, gettext("Your account and all its data are deleted."))
            return redirect("dashboard")
        form.add_error(None, gettext("Nothing was deleted."))
    return render(request, "core/account_delete.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_out_others(request: HttpRequest) -> HttpResponse:
    form = PasswordConfirmForm(request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST":
        if form.is_valid():
            accounts.sign_out_other_sessions(request, form.cleaned_data["password"])
            messages.success(request, gettext("You are signed out everywhere else. This browser stays signed in."))
            return redirect("profile" if not request.user.is_staff else "two_factor")
        form.add_error(None, gettext("Nobody was signed out."))
    return render(request, "core/sign_out_others.html", {"form": form}, status=400 if form.errors else 200)
