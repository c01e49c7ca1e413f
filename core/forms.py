"""Input validation. Field names are a public contract (see the issues)."""

from datetime import date, timedelta
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import UserCreationForm
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .accounts import language_of
from .course import PHQ2_POSITIVE, PHQ_ANSWERS, PHQ_ITEMS, add_months
from .dates import day_label, weekday_label
from .models import (
    PREGNANCY_GROUP,
    PREGNANCY_SIGNS,
    SYMPTOM_GROUPS,
    WEIGHT_RANGE,
    DiaryEntry,
    Language,
    Patient,
    PregnancyTest,
    Unusual,
    weight_to_kg,
)
from .widgets import GroupedCheckboxes, ScaleWidget

User = get_user_model()

DRYNESS_ANCHORS = (_("0 = none"), _("10 = worst imaginable"))
MOOD_ANCHORS = (_("0 = worst"), _("10 = best"))


KNOWN_TIME_ZONES = frozenset(available_timezones())


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, with each account's e-mail written in that account's language (accounts.language_of),
    whatever the language of the page that asked for it."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs) -> None:
        with translation.override(language_of(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class SignupForm(UserCreationForm):
    """An e-mail address already in use is accepted like any other (issue 20): saying so would tell
    anyone that its owner keeps a diary here. Its owner is told by e-mail (accounts.address_reused)."""

    email = forms.EmailField(label=_("Email"), required=True, help_text=_("For password resets only."))
    # Filled by static/js/isodiary.js from the browser's own setting; empty without JavaScript.
    time_zone = forms.CharField(required=False,
                                widget=forms.HiddenInput(attrs={"data-browser-time-zone": True}))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_time_zone(self) -> str:
        """The browser's zone when it is one we know, else the clinic's default: never an error,
        the patient can change it in their profile."""
        zone = self.cleaned_data["time_zone"]
        return zone if zone in KNOWN_TIME_ZONES else settings.TIME_ZONE


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# Issue 20: a typo in a year (0026, 9999) is refused rather than stored, where it would make the
# course arithmetic meaningless. Only a date the person changes is checked (form.changed_data or a
# new row): a value stored before these checks never blocks saving the rest of the form.
EARLIEST_DATE = date(2000, 1, 1)
COURSE_YEARS_AHEAD = 2


def not_in_future(day: date, patient: Patient) -> date:
    """A day the patient has lived: today in their time zone at the latest, and not before 2000."""
    if day > patient.today():
        raise forms.ValidationError(_("The date can't be in the future."))
    if day < EARLIEST_DATE:
        raise forms.ValidationError(_("Choose a date from %(earliest)s to today.")
                                    % {"earliest": day_label(EARLIEST_DATE)})
    return day


def course_date_in_range(day: date | None, patient: Patient) -> date | None:
    """A course start or end from 2000 to two years after the patient's today."""
    latest = add_months(patient.today(), 12 * COURSE_YEARS_AHEAD)
    if day is not None and not EARLIEST_DATE <= day <= latest:
        raise forms.ValidationError(_("Choose a date from %(earliest)s to %(latest)s.")
                                    % {"earliest": day_label(EARLIEST_DATE), "latest": day_label(latest)})
    return day


class CourseDatesMixin:
    """Checks course_start and course_end when they are changed (a ModelForm of a Patient)."""

    def clean_course_start(self) -> date | None:
        return self._changed_course_date("course_start")

    def clean_course_end(self) -> date | None:
        return self._changed_course_date("course_end")

    def _changed_course_date(self, name: str) -> date | None:
        day = self.cleaned_data[name]
        return course_date_in_range(day, self.instance) if name in self.changed_data else day


SYMPTOMS_HELP = _(
    "If you have one, call your prescriber right away, and for most of them stop taking isotretinoin too: what to "
    "do for each one shows when you save. Thoughts of harming yourself: call or text 988 now, or call 911 if you "
    "are in danger. Hives, a swollen face or mouth, trouble breathing, or signs of a stroke: call 911. A seizure: "
    "call 911 if it is a first seizure, lasts over 5 minutes or is followed by another."
)
PREGNANCY_HELP = _(
    "Your answers, the pregnancy questions included, are seen by your prescriber's team (the clinicians linked to "
    "your diary)."
)
PREGNANCY_SIGNS_REFUSED = _(
    "The questions about a missed period and sex without two forms of birth control are only for patients who can "
    "become pregnant. If that is you, ask your prescriber's team to mark it in your record."
)


def symptom_choices(groups) -> list:
    return [(group, [(s.value, s.label) for s in signs]) for group, signs in groups]


DRYNESS_FIELDS = ("skin_dryness", "lip_dryness", "eye_dryness")


class EntryForm(forms.ModelForm):
    # Required, except when a sign is ticked: that answers the question by itself (see clean()).
    anything_unusual = forms.ChoiceField(
        label=_("Anything unusual today?"),
        choices=Unusual.choices,
        widget=forms.RadioSelect,
        help_text=_("A new or worse symptom, or a worry."),
        error_messages={"required": _("Answer yes or no.")},
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Any of these today?"),
        choices=symptom_choices(SYMPTOM_GROUPS),
        required=False,
        widget=GroupedCheckboxes,
        help_text=SYMPTOMS_HELP,
    )

    class Meta:
        model = DiaryEntry
        fields = [
            "date",
            "skin_dryness",
            "lip_dryness",
            "eye_dryness",
            "mood",
            "sun_minutes",
            "dose_mg",
            "sunscreen",
            "sunburn",
            "anything_unusual",
            "symptoms",
            "notes",
        ]
        widgets = {
            "date": DateInput(),
            "skin_dryness": ScaleWidget(*DRYNESS_ANCHORS),
            "lip_dryness": ScaleWidget(*DRYNESS_ANCHORS),
            "eye_dryness": ScaleWidget(*DRYNESS_ANCHORS),
            "mood": ScaleWidget(*MOOD_ANCHORS),
            "sun_minutes": forms.NumberInput(attrs={"min": 0, "max": 1440, "inputmode": "numeric"}),
            "dose_mg": forms.NumberInput(attrs={"min": 0, "max": 200, "inputmode": "numeric"}),
            "sunburn": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        }
        labels = {"date": _("Date"), "sun_minutes": _("Minutes in sun"), "dose_mg": _("Dose taken (mg)"),
                  "sunburn": _("Sunburn"), "notes": _("Notes")}
        help_texts = {"sun_minutes": _("0 to 1440"), "dose_mg": _("Empty if none taken.")}

    def __init__(self, *args, patient: Patient, carried_from: DiaryEntry | None = None,
                 ask_day: date | None = None, **kwargs):
        """`carried_from`: an earlier entry whose dryness the new one starts from (the view picks it).
        `ask_day`: the patient's today, when it is after midnight and yesterday is not logged: the
        date is then a choice of yesterday or today, with neither chosen."""
        super().__init__(*args, **kwargs)
        self.patient = patient
        # The patient is not a form field: set before the model's own validation runs.
        self.instance.patient = patient
        self.fields["sun_minutes"].initial = 0
        # The pregnancy questions only for a patient who can become pregnant (or whose entry has an
        # answer to them already, so that an edit can keep or untick it); others are not offered them.
        self.pregnancy_asked = patient.can_become_pregnant or bool(PREGNANCY_SIGNS & set(self.instance.symptoms or ()))
        if self.pregnancy_asked:
            self.fields["symptoms"].help_text = format_html("{} {}", SYMPTOMS_HELP, PREGNANCY_HELP)
        else:
            self.fields["symptoms"].widget.choices = symptom_choices(
                (group, signs) for group, signs in SYMPTOM_GROUPS if group != PREGNANCY_GROUP
            )
        if self.instance.pk is None and patient.daily_dose_mg is not None:
            self.fields["dose_mg"].initial = patient.daily_dose_mg
        for name in ("skin_dryness", "lip_dryness", "eye_dryness", "mood"):
            self.fields[name].error_messages["required"] = gettext("Choose a number from 0 to 10.")
            self.fields[name].help_text = ""  # the scale shows its anchors itself
        # Asked afresh every time, an edit too: the stored answer is never pre-checked.
        self.initial.pop("anything_unusual", None)
        if self.is_bound and self.fields["symptoms"].widget.value_from_datadict(self.data, self.files, "symptoms"):
            self.fields["anything_unusual"].required = False
        if carried_from is not None:
            note = gettext("Same as %(day)s") % {"day": weekday_label(carried_from.date, year=False)}
            for name in DRYNESS_FIELDS:
                self.initial[name] = getattr(carried_from, name)
                self.fields[name].help_text = note
        if ask_day is not None:
            days = [ask_day - timedelta(days=1), ask_day]
            self.fields["date"].label = gettext("Which day is this entry for?")
            self.fields["date"].widget = forms.RadioSelect(choices=[
                (days[0].isoformat(), gettext("Yesterday, %(day)s") % {"day": weekday_label(days[0], year=False)}),
                (days[1].isoformat(), gettext("Today, %(day)s") % {"day": weekday_label(days[1], year=False)}),
            ])
            self.initial.pop("date", None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("symptoms"):
            cleaned["anything_unusual"] = Unusual.YES  # a ticked sign is never dropped, whatever the answer
        return cleaned

    def clean_date(self):
        day = self.cleaned_data["date"]
        moved = self.instance.pk is None or day != self.initial.get("date")
        if moved:
            not_in_future(day, self.patient)
        duplicate = moved and (
            DiaryEntry.objects.for_patient(self.patient).filter(date=day).exclude(pk=self.instance.pk).exists()
        )
        if duplicate:
            raise forms.ValidationError(self.duplicate_message(day))
        return day

    @staticmethod
    def duplicate_message(day):
        url = reverse("entry_detail", args=[day])
        return format_html(
            gettext('You already have an entry for {}. <a href="{}">Open that entry</a> to change it.'),
            day_label(day),
            url,
        )

    def clean_symptoms(self) -> list[str]:
        symptoms = self.cleaned_data["symptoms"]
        if not self.pregnancy_asked and PREGNANCY_SIGNS.intersection(symptoms):
            raise forms.ValidationError(PREGNANCY_SIGNS_REFUSED)
        return symptoms

    def clean_notes(self) -> str:
        return self.cleaned_data["notes"].replace("\r\n", "\n")


# The audience is in the United States: its main zones first, then all the others.
US_TIME_ZONES = [
    ("America/New_York", _("Eastern (America/New_York)")),
    ("America/Chicago", _("Central (America/Chicago)")),
    ("America/Denver", _("Mountain (America/Denver)")),
    ("America/Phoenix", _("Arizona (America/Phoenix)")),
    ("America/Los_Angeles", _("Pacific (America/Los_Angeles)")),
    ("America/Anchorage", _("Alaska (America/Anchorage)")),
    ("Pacific/Honolulu", _("Hawaii (Pacific/Honolulu)")),
    ("America/Puerto_Rico", _("Atlantic (America/Puerto_Rico)")),
]
TIME_ZONE_CHOICES = [
    (_("United States"), US_TIME_ZONES),
    (_("Other time zones"),
     [(name, name) for name in sorted(KNOWN_TIME_ZONES - {zone for zone, _ in US_TIME_ZONES})]),
]


class ProfileForm(CourseDatesMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    # Typed in the patient's unit (weight_unit), stored in kilograms (Patient.weight_kg).
    weight = forms.DecimalField(
        label=_("Weight"), required=False, max_digits=4, decimal_places=1,
        widget=forms.NumberInput(attrs={"min": 20, "max": 660, "step": "0.1", "inputmode": "decimal"}),
        help_text=_("Optional: 45 to 660 lb, or 20 to 300 kg. Used to work out your cumulative dose per kilogram."),
    )
    # Any minute, submitted as HH:MM; the browser's time input shows it its own way (en-US: 8:00 PM).
    reminder_time = forms.TimeField(
        label=_("Daily reminder at"),
        help_text=Patient._meta.get_field("reminder_time").help_text,
        required=False, input_formats=["%H:%M"],
        error_messages={"invalid": _("Enter a time of day as hours and minutes, e.g. 20:00 for 8:00 p.m.")},
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time", "step": 60}),
    )

    # Not required: a form sent without it (an older page, a script) keeps the patient's language.
    language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, required=False,
        help_text=Patient._meta.get_field("language").help_text,
    )

    class Meta:
        model = Patient
        fields = ["display_name", "time_zone", "course_start", "course_end", "daily_dose_mg", "weight", "weight_unit",
                  "reminder_time", "language", "can_become_pregnant"]
        widgets = {
            "course_start": DateInput(),
            "course_end": DateInput(),
            "daily_dose_mg": forms.NumberInput(attrs={"min": 0, "max": 200}),
            "weight_unit": forms.RadioSelect,
        }
        labels = {"weight_unit": _("Weight in"), "can_become_pregnant": _("I can become pregnant")}
        help_texts = {
            "daily_dose_mg": _("0 to 200 mg, as prescribed."),
            "can_become_pregnant": _("Shows your pregnancy-test calendar and contraception reminders (iPLEDGE)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight"].initial = self.instance.weight
        self.fields["weight_unit"].required = False  # a browser always sends one; otherwise keep the saved unit
        clinicians = list(self.instance.clinicians.all()) if self.instance.pk else []
        if clinicians:
            # Where a clinician is assigned, theirs is the setting that counts: shown, not editable
            # (a disabled field keeps its saved value whatever a request sends).
            field = self.fields["can_become_pregnant"]
            field.disabled = True
            names = ", ".join(c.get_full_name() or c.get_username() for c in clinicians)
            field.help_text = _("Set by your clinician (%(names)s). Tell them if it is not right.") % {"names": names}

    def clean_language(self):
        return self.cleaned_data["language"] or self.instance.language

    def clean_weight_unit(self) -> str:
        return self.cleaned_data["weight_unit"] or self.instance.weight_unit

    def clean(self):
        cleaned = super().clean()
        weight, unit = cleaned.get("weight"), cleaned.get("weight_unit")
        if "weight" not in self.changed_data and unit == self.instance.weight_unit:
            # Untouched: the kilograms stay as stored (a clinician's 68.00 kg, shown as 149.9 lb, is
            # not re-rounded through pounds, nor refused when it falls just outside the pound range).
            return cleaned
        if weight is not None and unit:
            low, high = WEIGHT_RANGE[unit]
            if not low <= weight <= high:
                self.add_error("weight", _("Enter a weight from %(low)s to %(high)s %(unit)s, or leave it empty.")
                               % {"low": low, "high": high, "unit": unit})
            else:
                self.instance.weight_kg = weight_to_kg(weight, unit)
        elif "weight" in cleaned:
            self.instance.weight_kg = None
        return cleaned


class ScaledChoiceField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=PHQ_ANSWERS, coerce=int, widget=forms.RadioSelect, **kwargs)


class MoodCheckForm(forms.Form):
    """PHQ-2, then the remaining seven PHQ-9 items when the PHQ-2 total is 3 or more.
    Field names q1 … q9 are a contract. The items and answers stay in English in every language
    (core/course.py, PHQ_STEM)."""

    @property
    def english_note(self) -> str:
        """Why the questions are in English, for a patient reading another language ("" in English)."""
        if (translation.get_language() or "en").split("-")[0] == "en":
            return ""
        return gettext("These questions are in English. Their official Spanish version must be used word for "
                       "word, and isodiary does not have it yet, so they are not translated here. Answer them "
                       "as best you can, or ask your care team for help.")

    def __init__(self, *args, full: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.full = full
        for number, item in enumerate(PHQ_ITEMS, start=1):
            if number <= 2 or full:
                self.fields[f"q{number}"] = ScaledChoiceField(label=f"{number}. {item}")

    @classmethod
    def for_post(cls, data) -> "MoodCheckForm":
        """All nine items when any of items 3–9 was sent, else the PHQ-2."""
        return cls(data, full=any(f"q{n}" in data for n in range(3, 10)))

    @property
    def phq2_positive(self) -> bool:
        return self.cleaned_data["q1"] + self.cleaned_data["q2"] >= PHQ2_POSITIVE

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(f"q{n}") for n in range(1, 10)]


class PregnancyTestForm(forms.ModelForm):
    class Meta:
        model = PregnancyTest
        fields = ["date", "result"]
        widgets = {"date": DateInput(), "result": forms.RadioSelect}
        labels = {"date": _("Date"), "result": _("Result")}

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.instance.patient = patient

    def clean_date(self):
        day = not_in_future(self.cleaned_data["date"], self.patient)
        if PregnancyTest.objects.filter(patient=self.patient, date=day).exists():
            raise forms.ValidationError(_("A test is already logged for that day."))
        return day


class ContraceptionForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["contraception_primary", "contraception_secondary"]
        help_texts = {
            "contraception_primary": _(
                "For example an IUD, an implant, or a birth control pill with estrogen. A progestin-only "
                "“minipill” does not count."
            ),
            "contraception_secondary": _("A second, different method used at the same time, for example condoms."),
        }


# --- Account ----------------------------------------------------------------------------------


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code"), max_length=20, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
    )


class EnrolForm(forms.Form):
    otp_token = forms.CharField(
        label=_("6-digit code from the app"), max_length=10, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordConfirmForm(forms.Form):
    """Asks for the account's password before something that cannot be undone. Checked with
    authenticate(), so django-axes counts wrong guesses here as it does at sign-in."""

    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        if authenticate(self.request, username=user.get_username(), password=password) != user:
            raise forms.ValidationError(_("That password is not right."))
        return password


class PatientEnrolForm(PasswordConfirmForm, EnrolForm):
    """A patient turning two-factor sign-in on: the code and, if they give it, the password, which
    ends the sessions that began without a code (accounts.sign_out_other_sessions needs it). Staff
    need no password here: every staff session is asked for a code already."""

    password = forms.CharField(
        label=_("Your password (optional)"), strip=False, required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Give it to sign out everywhere else too, so that other browsers need a code as well."),
    )
    field_order = ["otp_token", "password"]

    def clean_password(self) -> str:
        return super().clean_password() if self.cleaned_data.get("password") else ""
