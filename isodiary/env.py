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


def proxy_count(value: int) -> int:
    """PROXY_COUNT, the number of trusted reverse proxies that append to X-Forwarded-For (see
    core.client): 0 (the app is reached directly, the header is ignored) to 5."""
    if not 0 <= value <= 5:
        raise ImproperlyConfigured(f"PROXY_COUNT must be 0 (no proxy) to 5 (got {value}).")
    return value
