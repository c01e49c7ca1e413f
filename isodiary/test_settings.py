"""Settings for the test suite: the real settings with fast hashing and plain static storage."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("TRUST_X_FORWARDED_PROTO", "0")
# High, so that no test is slowed by them by chance; the tests of the limits set their own.
os.environ.setdefault("SIGNUP_RATE_LIMIT", "100000/m")
os.environ.setdefault("PASSWORD_RESET_RATE_LIMIT", "100000/m")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Test runs of other checkouts on this machine must not share post-office's lock file.
MAIL_LOCKFILE = os.path.join(tempfile.gettempdir(), f"isodiary-tests-mail-{os.getpid()}")
POST_OFFICE = {**POST_OFFICE, "BACKENDS": {"default": EMAIL_BACKEND}}  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in production, not Django's default shared-cache in-memory database: there, two
    # connections (a test's threads) lock whole tables and fail at once with "database table is
    # locked", where the settings' IMMEDIATE transactions and timeout make a real one wait its turn.
    TEST_DATABASE = os.path.join(tempfile.gettempdir(), f"isodiary-tests-{os.getpid()}.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": TEST_DATABASE}  # noqa: F405
