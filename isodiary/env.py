"""Tiny helpers that read settings from the environment and refuse ambiguous values."""

import base64
import os
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true"}
_FALSE = {"0", "false"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1, 0, true, false (got {raw!r}).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {raw!r}).") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


RATE_PERIODS = {"m": 60, "h": 3600, "d": 86400}


def parse_rate(name: str, raw: str) -> tuple[int, int]:
    """A rate written COUNT/PERIOD (PERIOD one of m, h, d), e.g. 10/h: (10, 3600)."""
    count, _, period = raw.strip().partition("/")
    if not (count.isascii() and count.isdigit() and len(count) <= 9 and int(count) >= 1 and period in RATE_PERIODS):
        raise ImproperlyConfigured(f"{name} must be COUNT/PERIOD with PERIOD m, h or d, e.g. 10/h (got {raw!r}).")
    return int(count), RATE_PERIODS[period]


def env_rate(name: str, default: str) -> str:
    """A rate (parse_rate) from the environment, checked at start-up; kept as written."""
    raw = os.environ.get(name, "").strip() or default
    parse_rate(name, raw)
    return raw


def proxy_count(value: int) -> int:
    """PROXY_COUNT, the number of trusted reverse proxies that append to X-Forwarded-For (see
    core.client): 0 (the app is reached directly, the header is ignored) to 5."""
    if not 0 <= value <= 5:
        raise ImproperlyConfigured(f"PROXY_COUNT must be 0 (no proxy) to 5 (got {value}).")
    return value


def _b64url(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def vapid_keys(public: str, private: str) -> tuple[str, str]:
    """The VAPID key pair (RFC 8292) as the browsers and pywebpush take it: base64url, the public key
    the uncompressed P-256 point (65 bytes), the private key the raw 32-byte number. Both empty: push
    is off. Anything else that is not a matching pair stops start-up."""
    public, private = public.strip(), private.strip()
    if not public and not private:
        return "", ""
    try:
        point, number = _b64url(public), _b64url(private)
        if len(point) != 65 or point[0] != 4 or len(number) != 32:
            raise ValueError
        key = ec.derive_private_key(int.from_bytes(number, "big"), ec.SECP256R1())
        matches = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint) == point
    except ValueError:
        matches = False
    if not matches:
        raise ImproperlyConfigured(
            "VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be a matching P-256 key pair in base64url (the public key "
            "65 bytes, the private key 32), or both empty: make one with `manage.py vapid_keys`."
        )
    return public, private


def vapid_subject(value: str, *, required: bool) -> str:
    value = value.strip()
    if value.startswith("mailto:") and "@" in value or value.startswith("https://") and len(value) > 8:
        return value
    if not value and not required:
        return ""
    raise ImproperlyConfigured(
        f"VAPID_SUBJECT must be a mailto: address or an https:// address of the clinic (got {value!r})."
    )


def origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) address, or None when it is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def env_origins(name: str, default: list[str]) -> list[tuple[str, str, int]]:
    """A comma-separated list of origins (scheme://host[:port], a host may start with `*.`)."""
    origins = []
    for item in env_list(name, default):
        origin = origin_of(item.replace("://*.", "://wildcard.", 1))
        if origin is None or urlsplit(item).path not in ("", "/") or urlsplit(item).query:
            raise ImproperlyConfigured(
                f"{name} must be origins like https://push.example.com or https://*.example.com, "
                f"comma-separated (got {item!r})."
            )
        scheme, host, port = origin
        origins.append((scheme, "*." + host.removeprefix("wildcard.") if "://*." in item else host, port))
    return origins
