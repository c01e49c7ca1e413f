"""Web Push (RFC 8030), encrypted (RFC 8291, aes128gcm) and signed (VAPID, RFC 8292) by pywebpush.

What is sent holds no health data and nothing that tells someone glancing at a lock screen what it
is about: no drug, condition, name or value, only "Time for today's entry" and a link. A message
goes only to an endpoint whose origin is listed in WEBPUSH_ALLOWED_ORIGINS, checked when the browser
subscribes and again before each send, so the server never posts to an address a client chose.

Nothing here runs inside a database transaction: send() is a network call.
"""

import json
import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from py_vapid import Vapid
from pywebpush import WebPusher, WebPushException

from isodiary.env import origin_of

from .models import PushSubscription

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
# How long the push service keeps a message for a device that is off: until the end of the patient's
# day at most (send_reminders passes it), and at least a minute.
MIN_TTL_SECONDS = 60
GONE = {404, 410}  # the subscription no longer exists (RFC 8030 section 7.3): delete it


def enabled() -> bool:
    """Push reminders are on when the server has a VAPID key pair (README, "Push reminders")."""
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def origin_allowed(endpoint: str) -> bool:
    """Whether the endpoint's scheme, host and port match one of WEBPUSH_ALLOWED_ORIGINS; a listed
    host `*.example.com` matches any subdomain of example.com (not example.com itself)."""
    origin = origin_of(endpoint)
    if origin is None:
        return False
    scheme, host, port = origin
    for allowed_scheme, allowed_host, allowed_port in settings.WEBPUSH_ALLOWED_ORIGINS:
        if (scheme, port) != (allowed_scheme, allowed_port):
            continue
        if host == allowed_host or allowed_host.startswith("*.") and host.endswith(allowed_host[1:]):
            return True
    return False


def service_name(endpoint: str) -> str:
    """Which browser's push service a subscription uses, for the profile's list of devices."""
    host = (urlsplit(endpoint).hostname or "").lower()
    for suffix, name in [("googleapis.com", _("Chrome or another Chromium browser")),
                         ("mozilla.com", _("Firefox")), ("push.apple.com", _("Safari")),
                         ("notify.windows.com", _("Edge on Windows"))]:
        if host == suffix or host.endswith("." + suffix):
            return name
    return _("A browser")


def devices(patient) -> list[dict]:
    """The patient's subscribed browsers, for the profile's list."""
    return [{"endpoint": s.endpoint, "name": service_name(s.endpoint), "created_at": s.created_at,
             "last_used_at": s.last_used_at} for s in PushSubscription.objects.filter(patient=patient)]


def payload(language: str = "en") -> bytes:
    """The message, in the patient's language (Patient.language)."""
    with translation.override(language):
        return json.dumps({
            "title": _("Time for today's entry"),
            "url": reverse("entry_new"),
        }).encode()


@dataclass(frozen=True)
class Target:
    """One subscription to send to (plain values: sent from worker threads, no ORM there)."""

    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    ttl: int
    language: str = "en"  # the patient's (Patient.language): the message is written in it


class Sender:
    """Sends to many subscriptions from a pool of threads: one requests.Session (kept-alive
    connections) per thread, and one VAPID signature per push service and run, not per message."""

    def __init__(self) -> None:
        self._vapid = Vapid.from_raw(settings.VAPID_PRIVATE_KEY.encode())
        self._headers: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def _vapid_headers(self, endpoint: str) -> dict:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            headers = self._headers.get(audience)
            if headers is None:
                # Valid 12 hours (RFC 8292 allows up to 24); a run lasts minutes.
                claims = {"aud": audience, "sub": settings.VAPID_SUBJECT, "exp": int(time.time()) + 12 * 3600}
                headers = self._headers[audience] = self._vapid.sign(claims)
        return headers

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.trust_env = False  # no proxy from the environment: the allow-list names the addresses
            session.max_redirects = 0  # nor a redirect to an address it does not name
        return session

    def send(self, target: Target) -> int | None:
        """The push service's HTTP status, or None when it could not be reached."""
        if not origin_allowed(target.endpoint):  # the list may have changed since it subscribed
            return 410
        info = {"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}}
        try:
            response = WebPusher(info, requests_session=self._session()).send(
                payload(target.language), headers=dict(self._vapid_headers(target.endpoint)),
                ttl=max(target.ttl, MIN_TTL_SECONDS), content_encoding="aes128gcm", timeout=TIMEOUT_SECONDS,
            )
        except (requests.RequestException, WebPushException, ValueError) as exc:
            logger.warning("Push to subscription %s failed (%s); tried again next run.", target.subscription_id,
                           type(exc).__name__)
            return None
        return response.status_code
