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


def client_address_settings(proxy_count: int) -> dict:
    """django-ipware's settings (as django-axes names them) for PROXY_COUNT trusted proxies.

    Each proxy of the usual kind (nginx's `$proxy_add_x_forwarded_for`) appends the address it was
    reached from, so the client is the PROXY_COUNT-th address from the right of X-Forwarded-For;
    whatever a client wrote into the header itself stays to the left and is never read. django-ipware
    counts only the proxies whose own addresses are in the header (`client, proxy1, proxy2`), one
    fewer than sit in front of the app: the last one is the connection itself (REMOTE_ADDR).
    Non-strict, it takes that position from the right however long a forged prefix makes the chain.
    With 0 proxies the header is ignored and the connection's address is the client."""
    if not 0 <= proxy_count <= 5:
        raise ImproperlyConfigured(f"PROXY_COUNT must be 0 (no proxy) to 5 (got {proxy_count}).")
    if proxy_count == 0:
        return {"AXES_IPWARE_PROXY_COUNT": None, "AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",),
                "IPWARE_STRICT": False}
    return {"AXES_IPWARE_PROXY_COUNT": proxy_count - 1,
            "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"), "IPWARE_STRICT": False}
