"""Tiny helpers that read settings from the environment and refuse ambiguous values."""

import os

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
