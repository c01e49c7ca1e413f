"""Patient-facing pages. Views orchestrate; models, rules and services decide."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.text import compress_string
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import accounts, education, push, services, twofactor
from .access import NoDiary, entry_for, patient_for
from .charts import build_chart
from .context_processors import site_settings
from .dates import day_label, weekday_label
from .findings import current_findings, findings_context, with_care_team
from .forms import DRYNESS_FIELDS, EARLIEST_DATE, EntryForm, ProfileForm, SignupForm
from .language import current_language
from .models import Alert, DiaryEntry, Patient, Rule
from .ratelimit import rate_limited
from .selectors import course_context, csv_response, pregnancy_context, write_entries_csv
from .versions import patient_fragment

CHART_DAYS = 30
RECENT_DAYS = 14
MISSED_DAYS = 7  # the dashboard links each of these last days without an entry
# --- Pages ------------------------------------------------------------------------------------


def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/landing.html", {"topics": education.topics()})
    if request.user.is_staff:
        return redirect("admin:index")
    patient = patient_for(request)
    today = patient.today()
    urgent, body = patient_fragment("dashboard", patient, today.isoformat(),
                                    lambda: dashboard_fragments(patient, today))
    return render(request, "core/dashboard.html", {"patient": patient, "urgent": urgent, "body": body})


def dashboard_fragments(patient: Patient, today: date) -> tuple[str, str]:
    """The dashboard's urgent banner and body: everything on it that comes from the patient's rows.
    Cached for every later request (core/versions.py), so rendered without one: nothing of a request
    (a CSRF token, the user, messages) can be stored in it; the settings it shows are passed in."""
    start, end = today - timedelta(days=CHART_DAYS - 1), today
    entries = list(
        DiaryEntry.objects.for_patient(patient)
        .between(start, end)
        .values_list("date", "skin_dryness", "lip_dryness", "eye_dryness", "mood", "sun_minutes", named=True)
    )
    today_entry = next((e for e in entries if e.date == today), None)
    recent_from = today - timedelta(days=RECENT_DAYS - 1)
    logged = {e.date for e in entries}
    # Not the days before the account existed: nobody missed those.
    first = max(today - timedelta(days=MISSED_DAYS), patient.created_at.astimezone(patient.tz).date())
    missed_days = [day for day in (today - timedelta(days=n) for n in range(1, MISSED_DAYS + 1))
                   if day >= first and day not in logged]
    context = {
        **course_context(patient, today),
        **(pregnancy_context(patient, today) if patient.can_become_pregnant else {}),
        "patient": patient,
        "today": today,
        "today_entry": today_entry,
        "missed_days": missed_days,
        "days_logged": sum(1 for e in entries if e.date >= recent_from),
        "recent_days": RECENT_DAYS,
        "chart": build_chart(entries, start, end),
        **findings_context(current_findings(patient, today), patient.tz),
        **site_settings(),
    }
    urgent = render_to_string("core/_findings.html", {"findings": context["urgent_findings"], **site_settings()})
    return urgent, render_to_string("core/_dashboard_body.html", context)


@login_required
def diary_list(request: HttpRequest) -> HttpResponse:
    patient = patient_for(request)
    paginator = Paginator(DiaryEntry.objects.for_patient(patient).order_by("-date"), DIARY_PAGE_SIZE)
    # The cache keys the page actually shown, so ?page=999 is the last page's copy, not a new one.
    pages = patient_fragment("diary-pages", patient, "", lambda: paginator.num_pages)
    number = page_number(request.GET.get("page", ""))
    number = number if 1 <= number <= pages else pages  # past the end (or 0): the last page, as get_page

    def render_page() -> str:
        page = paginator.page(number)
        return render_to_string("core/_diary_page.html", {"page": page, "rows": diary_rows(page.object_list)})

    body = patient_fragment("diary", patient, str(number), render_page)
    return render(request, "core/diary_list.html", {"body": body})


DIARY_PAGE_SIZE = 20
PAST_THE_END = 10**6  # pages: more than any diary has


def page_number(raw: str) -> int:
    """The page Paginator.get_page shows for a ?page= value (not a number: the first; out of range:
    the last), with every number past the end as one, so the cache keeps one copy of each page."""
    if not (raw.isascii() and raw.isdigit()):
        return 1
    digits = raw.lstrip("0") or "0"
    return min(int(digits), PAST_THE_END) if len(digits) <= 7 else PAST_THE_END


def diary_rows(entries) -> SafeString:
    """The diary table's rows, built here rather than in a template loop (a hot page)."""
    base = reverse("diary_list")
    minutes, sun = gettext("%(minutes)s min"), gettext("%(minutes)s min, sunscreen")
    return format_html_join(
        "",
        '<tr><th scope="row"><a href="{}{}/">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (base, e.date.isoformat(), weekday_label(e.date, abbreviated=True), e.skin_dryness,
             e.lip_dryness, e.eye_dryness, e.mood,
             (sun if e.sunscreen else minutes) % {"minutes": e.sun_minutes})
            for e in entries
        ),
    )


def _save_entry_or_form_error(form: EntryForm, previous_date: date | None = None) -> DiaryEntry | None:
    """Save; a concurrent save of the same day becomes the usual duplicate-date form error."""
    try:
        return services.entry_save(entry=form.instance, previous_date=previous_date)
    except IntegrityError:
        form.add_error("date", EntryForm.duplicate_message(form.cleaned_data["date"]))
        return None


CARRY_OVER_DAYS = 7  # dryness starts from the most recent entry this many days back, at most
NIGHT_ENDS_HOUR = 4  # before this hour (the patient's time) an entry may well be for yesterday


@login_required
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    patient = patient_for(request)
    if request.method == "POST":
        form = EntryForm(request.POST, patient=patient, instance=DiaryEntry(patient=patient))
        if form.is_valid() and _save_entry_or_form_error(form) is not None:
            day = form.instance.date
            thanks = gettext("Saved. Thank you for filling in %(day)s.") % {"day": weekday_label(day, year=False)}
            logged_today = gettext("Saved. Thank you for logging today.")
            messages.success(request, logged_today if day == patient.today() else thanks)
            return redirect("entry_detail", day=day)
        return render(request, "core/entry_form.html", {"form": form, "creating": True}, status=_status(form))

    now = timezone.localtime(timezone=patient.tz)
    today = now.date()
    day, problem = requested_day(request.GET.get("date"), today)
    # One query: whether the day (and yesterday) is logged, and the entry its dryness starts from.
    recent = list(
        DiaryEntry.objects.for_patient(patient)
        .between(day - timedelta(days=CARRY_OVER_DAYS), day)
        .order_by("-date")
        .only("date", *DRYNESS_FIELDS)
    )
    logged = {entry.date for entry in recent}
    if problem is None and "date" in request.GET and day in logged:
        messages.info(request, gettext("You already have an entry for %(day)s. Here it is, to view or change.")
                      % {"day": weekday_label(day, year=False)})
        return redirect("entry_detail", day=day)
    if problem:
        messages.error(request, problem)
    ask = "date" not in request.GET and now.hour < NIGHT_ENDS_HOUR and day - timedelta(days=1) not in logged
    form = EntryForm(
        patient=patient,
        initial={"date": day},
        carried_from=next((entry for entry in recent if entry.date < day), None),
        ask_day=today if ask else None,
    )
    context = {"form": form, "creating": True, "back_filling": day if day != today else None}
    return render(request, "core/entry_form.html", context, status=400 if problem else 200)


def requested_day(raw: str | None, today: date) -> tuple[date, str | None]:
    """The day a ?date= link opens the form on, or today and what is wrong with the link."""
    if raw is None:
        return today, None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        return today, gettext("That link does not hold a date we can read, so the form is set to today.")
    if day > today:
        return today, gettext("That day has not come yet, so the form is set to today.")
    if day < EARLIEST_DATE:
        return today, gettext("Entries can go back to January 1, 2000, so the form is set to today.")
    return day, None


@login_required
@require_http_methods(["GET", "POST"])
def entry_detail(request: HttpRequest, day: date) -> HttpResponse:
    patient = patient_for(request)
    entry = entry_for(patient, day)
    if request.method == "POST":
        form = EntryForm(request.POST, patient=patient, instance=entry)
        if form.is_valid() and _save_entry_or_form_error(form, previous_date=day) is not None:
            messages.success(request, gettext("Your changes are saved."))
            return redirect("entry_detail", day=form.instance.date)
        entry.refresh_from_db()
    else:
        form = EntryForm(patient=patient, instance=entry)
    findings = with_care_team(Alert.objects.filter(patient=patient, source="").unresolved().covering(entry.date))
    context = {"form": form, "entry": entry, "creating": False, **findings_context(findings, patient.tz)}
    return render(request, "core/entry_form.html", context, status=_status(form))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@login_required
@require_http_methods(["GET", "POST"])
def entry_delete(request: HttpRequest, day: date) -> HttpResponse:
    patient = patient_for(request)
    entry = entry_for(patient, day)
    if request.method == "POST":
        services.entry_delete(entry=entry)
        messages.success(request, gettext("The entry for %(day)s is deleted.") % {"day": day_label(day)})
        return redirect("diary_list")
    return render(request, "core/entry_delete.html", {"entry": entry})


@login_required
@require_GET
def diary_export(request: HttpRequest) -> HttpResponse:
    patient = patient_for(request)
    response = csv_response(f"isodiary-{patient.today().isoformat()}.csv")
    write_entries_csv(response, DiaryEntry.objects.for_patient(patient).order_by("date"))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    patient = patient_for(request)
    form = ProfileForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        services.patient_save(patient=form.save(commit=False), changed=form.changed_data)
        messages.success(request, gettext("Your profile is saved."))
        return redirect("dashboard")
    context = {"form": form, "two_factor": twofactor.enrolled(request.user), "push_enabled": push.enabled(),
               "vapid_public_key": settings.VAPID_PUBLIC_KEY, "devices": push.devices(patient)}
    return render(request, "core/profile.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
@rate_limited("signup")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # The language the sign-up page was shown in (the browser's or the switch's).
        services.patient_create(user=user, time_zone=form.cleaned_data["time_zone"], language=current_language())
        accounts.address_reused(user)
        login(request, user, backend="core.backends.ModelBackendWithPatient")
        messages.success(request, gettext("Welcome to isodiary. You can write today's entry right away."))
        return redirect("dashboard")
    return render(request, "registration/signup.html", {"form": form}, status=_status(form))


# --- Education --------------------------------------------------------------------------------


@require_GET
def learn_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    results = education.search(query) if query else None
    return render(request, "core/learn_index.html", {"topics": education.topics(), "query": query, "results": results})


@require_GET
def learn_topic(request: HttpRequest, slug: str) -> HttpResponse:
    topic = education.get(slug)
    if topic is None:
        raise Http404("No such topic.")
    anonymous = not request.user.is_authenticated and not len(messages.get_messages(request))
    if not anonymous:  # anyone signed in, or with a message waiting, gets a fresh page
        return render(request, "core/learn_topic.html", {"topic": topic})
    # Signed-out visitors all get the same page (it holds nothing of theirs, no CSRF token either),
    # and the content changes only with a deploy: rendered once per process and language, and kept
    # compressed too, so that GZipMiddleware does not compress the same page again on every visit.
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    key = (slug, education.active_language(), compressed)
    if key not in _anonymous_pages:
        page = render(request, "core/learn_topic.html", {"topic": topic, "switch_next": request.path}).content
        _anonymous_pages[key] = compress_string(page) if compressed else page
    response = HttpResponse(_anonymous_pages[key])
    if compressed:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


_anonymous_pages: dict[tuple[str, str, bool], bytes] = {}


# --- Health checks ----------------------------------------------------------------------------


def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("favicon.svg"), permanent=True)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    try:
        Rule.objects.exists()  # the database answers, and is migrated
    except DatabaseError:
        return JsonResponse({"database": "unavailable"}, status=503)
    return JsonResponse({"database": "ok"})



def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 page, plus the reason when the account simply has no diary (access.NoDiary)."""
    no_diary = str(exception) if isinstance(exception, NoDiary) else ""
    return render(request, "404.html", {"no_diary": no_diary}, status=404)
