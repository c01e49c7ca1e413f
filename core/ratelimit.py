"""Limits per client address on sign-up and password reset (issue 20): COUNT/PERIOD in the settings
SIGNUP_RATE_LIMIT and PASSWORD_RESET_RATE_LIMIT.

The counts are rows in the database (models.RateCount), one per action, client address and fixed
window of PERIOD, so that every worker and server sees the same count; a conditional UPDATE takes
one from the allowance, so two requests at once can never both take the last one. A fixed window
lets a client make up to twice COUNT across a window's boundary: enough to stop a scan of e-mail
addresses, and simple."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from isodiary.env import RATE_PERIODS, parse_rate

from .client import client_address
from .models import RateCount

SETTINGS = {"signup": "SIGNUP_RATE_LIMIT", "password_reset": "PASSWORD_RESET_RATE_LIMIT"}
LONGEST_WINDOW = timedelta(seconds=max(RATE_PERIODS.values()))


def seconds_to_wait(action: str, request: HttpRequest) -> int:
    """Count this request against its client's allowance: 0 when it is within the limit, else how
    many seconds until the window ends."""
    name = SETTINGS[action]
    limit, period = parse_rate(name, getattr(settings, name))
    now = timezone.now()
    start = datetime.fromtimestamp(int(now.timestamp()) // period * period, tz=UTC)
    # No address (a broken proxy header): one shared allowance, rather than none at all.
    client = client_address(request) or "unknown"
    counter, created = RateCount.objects.get_or_create(action=action, client=client, window_start=start)
    if created:  # once per window and client at most: the rows of windows that are over go
        RateCount.objects.filter(window_start__lt=now - LONGEST_WINDOW).delete()
    if RateCount.objects.filter(pk=counter.pk, count__lt=limit).update(count=F("count") + 1):
        return 0
    return max(1, int((start + timedelta(seconds=period) - now).total_seconds()))


def rate_limited(action: str) -> Callable:
    """A view decorator: a POST over the client's limit is answered 429, with a page saying when to
    try again, and the view is not run."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                wait = seconds_to_wait(action, request)
                if wait:
                    minutes = -(-wait // 60)
                    response = render(request, "registration/rate_limited.html",
                                      {"minutes": minutes}, status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
