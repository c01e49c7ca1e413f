"""isodiary settings. Everything a deployment changes comes from the environment (see README)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import (
    env_bool,
    env_int,
    env_list,
    env_origins,
    env_rate,
    env_str,
    proxy_count,
    vapid_keys,
    vapid_subject,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

_DEVELOPMENT_ONLY_KEY = "django-insecure-isodiary-local-development-only"  # refused when DEBUG is off
SECRET_KEY = env_str("SECRET_KEY", _DEVELOPMENT_ONLY_KEY)
if not DEBUG and SECRET_KEY in ("", _DEVELOPMENT_ONLY_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is off "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core.apps.IsodiaryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "csp",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "post_office",
    "core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses HTML (static files come precompressed from WhiteNoise, which answers before it).
    # Before every middleware that reads or changes the body, so that it compresses last; it adds
    # Vary: Accept-Encoding, and Django's BREACH mitigation (random bytes in the gzip header).
    "django.middleware.gzip.GZipMiddleware",
    "core.middleware.SessionMiddleware",  # Django's, keeping the cookie on a stale GET (see there)
    # A visitor's language: the language cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in patient's profile language, a staff user's own choice (core/language.py).
    "core.language.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.SessionLengthMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "isodiary.urls"
# Widgets render with the project templates too (core/widgets/scale.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "isodiary.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web server has concurrent writers: WAL lets readers go on while one writes, IMMEDIATE
    # takes the write lock at BEGIN so writers queue (up to the timeout) instead of failing.
    # Connections are kept (CONN_MAX_AGE above) so the PRAGMAs run once per worker, not per request.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each worker process keeps its own cache of rendered per-patient pages (core/versions.py). Their
# keys carry the patient's data version, read from the database on every request, so a local
# cache is correct with any number of processes and servers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("FRAGMENT_CACHE_ENTRIES", 2000)},
    }
}

# --- Accounts -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.backends.ModelBackendWithPatient",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "dashboard"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Patients stay signed in on their own phone for two weeks; staff sessions end after 30 minutes
# without activity (core.middleware.SessionLengthMiddleware).
SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())
STAFF_SESSION_IDLE_SECONDS = int(timedelta(minutes=30).total_seconds())
# However active, a staff session ends this many hours after its sign-in.
STAFF_SESSION_MAX_HOURS = env_int("STAFF_SESSION_MAX_HOURS", 12)
if not 1 <= STAFF_SESSION_MAX_HOURS <= 24 * 7:
    raise ImproperlyConfigured(f"STAFF_SESSION_MAX_HOURS must be 1 to 168 (got {STAFF_SESSION_MAX_HOURS}).")

# Login lockout: 5 failures for one username from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Sign-up and password reset, per client address (core/ratelimit.py, counted in the database):
# COUNT/PERIOD with PERIOD m, h or d. Over the limit: 429.
SIGNUP_RATE_LIMIT = env_rate("SIGNUP_RATE_LIMIT", "10/h")
PASSWORD_RESET_RATE_LIMIT = env_rate("PASSWORD_RESET_RATE_LIMIT", "5/h")

# The client's address. PROXY_COUNT is the number of trusted reverse proxies in front of the app
# that append to X-Forwarded-For (nginx: `proxy_set_header X-Forwarded-For
# $proxy_add_x_forwarded_for;`). 0, the default, means the app is reached directly: the
# connection's own address counts and the header, which anyone can send, is ignored. One function
# reads it for django-axes (lockout) and the audit trail: core.client.client_address.
PROXY_COUNT = proxy_count(env_int("PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "core.client.client_address"

# Two-factor sign-in (django-otp): staff always, patients who turn it on. Wrong codes slow the
# next attempt down (1 s, 2 s, 4 s, ...).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

# --- E-mail ---------------------------------------------------------------------------------
# EMAIL_BACKEND is the real transport (SMTP in production). Clinician notifications go through
# django-post-office's queue in the database, which sends with this backend and retries.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", "") or None
EMAIL_TIMEOUT = 30
# Neither the sender nor a subject names the app, the drug or the condition: an inbox list or a
# phone's lock screen shows them to whoever is near (README, DEFAULT_FROM_EMAIL).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@localhost")
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_BACKEND},
    # send_notifications runs every minute: a failed e-mail is tried again a minute later, for a day.
    "MAX_RETRIES": 24 * 60,
    "RETRY_INTERVAL": timedelta(minutes=1),
    "LOG_LEVEL": 1,  # failures only
}
# Clinician notifications (send_notifications): the hour (0-23, TIME_ZONE) of the daily digest of
# new non-urgent alerts, the hours after which an unacknowledged urgent alert is sent again, and the
# clinic's shared inbox that also gets escalations and the urgent alerts of unassigned patients.
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)
if not 0 <= DIGEST_HOUR <= 23:
    raise ImproperlyConfigured(f"DIGEST_HOUR must be an hour from 0 to 23 (got {DIGEST_HOUR}).")
ESCALATE_AFTER_HOURS = env_int("ESCALATE_AFTER_HOURS", 4)
if ESCALATE_AFTER_HOURS < 1:
    raise ImproperlyConfigured(f"ESCALATE_AFTER_HOURS must be 1 or more (got {ESCALATE_AFTER_HOURS}).")
ESCALATION_EMAIL = env_str("ESCALATION_EMAIL", "").strip()
if ESCALATION_EMAIL and ("@" not in ESCALATION_EMAIL or any(c in ESCALATION_EMAIL for c in " ,;<>")):
    raise ImproperlyConfigured(f"ESCALATION_EMAIL must be one e-mail address (got {ESCALATION_EMAIL!r}).")

# --- Internationalization -------------------------------------------------------------------
# English (the default) and Spanish. Who sees which: core/language.py (README, "Languages").
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Dates and times in each language's own words: "December 6, 2026", "1:30 p.m." in English,
# "6 de diciembre de 2026", "8:00 p. m." in Spanish (isodiary/formats/en, isodiary/formats/es).
FORMAT_MODULE_PATH = ["isodiary.formats"]
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------------
# HTTPS is on by default in production (DEBUG off); the app sits behind a TLS-terminating proxy
# that sets X-Forwarded-Proto. TRUST_X_FORWARDED_PROTO=0 switches that trust off.
HTTPS = env_bool("HTTPS", not DEBUG)
if env_bool("TRUST_X_FORWARDED_PROTO", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- isodiary -------------------------------------------------------------------------------
# What the self-harm and PHQ-9 item 9 warnings tell a patient to do right now. The default is for
# the United States, the audience of the iPLEDGE program and the FDA label; elsewhere set your
# country's numbers (README, "Crisis contacts").
CRISIS_CONTACTS = env_str(
    "CRISIS_CONTACTS",
    "Call or text 988 (the 988 Suicide & Crisis Lifeline), any time, day or night. "
    "If you are in danger now, call 911.",
)
# The same for Spanish-speaking patients: 988 answers a call in Spanish after pressing 2, and a text
# of "AYUDA" (988lifeline.org, "What to expect"). Elsewhere set it with CRISIS_CONTACTS.
CRISIS_CONTACTS_ES = env_str(
    "CRISIS_CONTACTS_ES",
    "Llame al 988 y marque 2 para hablar en español, o envíe un mensaje de texto con la palabra AYUDA "
    "al 988 (Línea 988 de Prevención del Suicidio y Crisis), a cualquier hora del día o de la noche. "
    "También puede chatear en español en 988lifeline.org. Si está en peligro ahora, llame al 911.",
)
CLINIC_NAME = env_str("CLINIC_NAME", "isodiary")
OTP_TOTP_ISSUER = CLINIC_NAME  # what authenticator apps show beside the account name
# The public address, for links in e-mails sent outside a request (send_reminders).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Web Push reminders (RFC 8030/8291/8292), sent by send_reminders. Without a key pair the feature is
# off and the profile does not offer it; `manage.py vapid_keys` prints a new pair (README).
VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY = vapid_keys(env_str("VAPID_PUBLIC_KEY"), env_str("VAPID_PRIVATE_KEY"))
VAPID_SUBJECT = vapid_subject(env_str("VAPID_SUBJECT"), required=bool(VAPID_PUBLIC_KEY))
# The push services a browser's subscription may point at: send_reminders posts to no other address.
WEBPUSH_ALLOWED_ORIGINS = env_origins("WEBPUSH_ALLOWED_ORIGINS", [
    "https://fcm.googleapis.com",  # Chrome, Edge's Android build, other Chromium browsers
    "https://updates.push.services.mozilla.com",  # Firefox
    "https://*.push.apple.com",  # Safari (macOS 13+, iOS 16.4+ web apps on the Home Screen)
    "https://*.notify.windows.com",  # Edge on Windows
])
# Concurrent requests to the push services in one send_reminders run.
WEBPUSH_WORKERS = env_int("WEBPUSH_WORKERS", 48)
if not 1 <= WEBPUSH_WORKERS <= 256:
    raise ImproperlyConfigured(f"WEBPUSH_WORKERS must be 1 to 256 (got {WEBPUSH_WORKERS}).")

# Health data never goes to logs: only warnings and errors, with no request bodies.
# Django's own "django" logger has a console handler when DEBUG is on and also passes records up to
# the root: it is given the root's handler and stops there, so each line prints once (runserver's
# request lines keep their own "django.server" logger).
LOG_LEVEL = env_str("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # django-post-office adds a handler of its own to a logger that has none, and the record then
        # reaches the root's too: every failed e-mail's traceback twice in cron's mail. One handler,
        # warnings and up (its INFO is "0 emails attempted" every minute).
        "post_office": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
