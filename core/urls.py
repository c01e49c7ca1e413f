from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from . import account_views, course_views, language_views, push_views, views
from .converters import IsoDateConverter
from .forms import PasswordResetForm
from .ratelimit import rate_limited

register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("diary/", views.diary_list, name="diary_list"),
    path("diary/new/", views.entry_new, name="entry_new"),
    path("diary/export.csv", views.diary_export, name="diary_export"),
    path("diary/<isodate:day>/", views.entry_detail, name="entry_detail"),
    path("diary/<isodate:day>/delete/", views.entry_delete, name="entry_delete"),
    path("mood-check/", course_views.mood_check, name="mood_check"),
    path("pregnancy/", course_views.pregnancy, name="pregnancy"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/two-factor/", account_views.two_factor, name="two_factor"),
    path("accounts/two-factor/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/export.json", account_views.account_export, name="account_export"),
    path("accounts/delete/", account_views.account_delete, name="account_delete"),
    path("accounts/sessions/sign-out-others/", account_views.sign_out_others, name="sign_out_others"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # Django's own view, ahead of django.contrib.auth.urls, counted per client address.
    # Each account's e-mail in that account's language (forms.PasswordResetForm).
    path("accounts/password_reset/",
         rate_limited("password_reset")(auth_views.PasswordResetView.as_view(form_class=PasswordResetForm)),
         name="password_reset"),
    # Django's own set_language, ahead of django.conf.urls.i18n: it also keeps a patient's choice.
    path("i18n/setlang/", language_views.set_language, name="set_language"),
    path("learn/", views.learn_index, name="learn_index"),
    path("learn/<slug:slug>/", views.learn_topic, name="learn_topic"),
    path("accounts/push/subscribe/", push_views.subscribe, name="push_subscribe"),
    path("accounts/push/unsubscribe/", push_views.unsubscribe, name="push_unsubscribe"),
    path("manifest.webmanifest", push_views.manifest, name="manifest"),
    path("sw.js", push_views.service_worker, name="service_worker"),
    path("offline/", push_views.offline, name="offline"),
    path("favicon.ico", views.favicon),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
