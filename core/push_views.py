"""The installable web app (manifest, service worker, offline page) and push subscriptions."""

import base64
import binascii
import hashlib
import json
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from . import push
from .access import patient_for
from .models import PushSubscription

# What the service worker keeps on the device: public static files and the offline page, nothing else.
PRECACHE = [
    "bootstrap/css/bootstrap.min.css", "bootstrap/js/bootstrap.bundle.min.js", "css/isodiary.css", "css/print.css",
    "js/isodiary.js", "js/pwa.js", "js/push.js", "favicon.svg", "icons/icon-192.png", "icons/icon-512.png",
]
THEME_COLOR = "#0b5cad"


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    icons = [{"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
              "purpose": purpose} for size in (192, 512) for purpose in ("any", "maskable")]
    data = {
        "name": settings.CLINIC_NAME, "short_name": settings.CLINIC_NAME[:12], "id": "/", "start_url": "/",
        "scope": "/", "display": "standalone", "theme_color": THEME_COLOR, "background_color": "#ffffff",
        "icons": icons,
    }
    return HttpResponse(json.dumps(data, indent=2), content_type="application/manifest+json")


def offline_html() -> str:
    # Rendered without the request: no user, no CSRF token, nothing of anyone's in what is cached.
    return render_to_string("core/offline.html", {"CLINIC_NAME": settings.CLINIC_NAME})


@require_GET
@never_cache
def offline(request: HttpRequest) -> HttpResponse:
    return HttpResponse(offline_html())


def contents_version() -> str:
    """Changes with each release that changes a cached file, the offline page or the worker itself:
    a hash of their contents (hashed static names change with them too, in production)."""
    digest = hashlib.sha256()
    for name in PRECACHE:
        path = finders.find(name)
        digest.update(name.encode() + (Path(path).read_bytes() if path else b""))
    for language, _name in settings.LANGUAGES:  # the same version whatever language asked for it
        with translation.override(language):
            digest.update(offline_html().encode())
    digest.update(render_to_string("core/sw.js", {"precache": "[]"}).encode())
    return digest.hexdigest()[:16]


cache_version = cache(contents_version)  # once per process: a release restarts the servers


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site root so that its scope is the whole site."""
    # DEBUG: hashed afresh on each request, so that a stylesheet edited in development is fetched again.
    version = contents_version() if settings.DEBUG else cache_version()
    context = {"version": version, "precache": json.dumps([static(name) for name in PRECACHE]),
               "offline": reverse("offline"), "icon": static("icons/icon-192.png")}
    response = HttpResponse(render_to_string("core/sw.js", context), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # the browser checks for a new release on every visit
    return response


# --- Push subscriptions -----------------------------------------------------------------------


def _bad(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _b64url(value) -> bytes | None:
    if not isinstance(value, str) or not value or len(value) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def _json(request: HttpRequest) -> dict | None:
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


@require_POST
@never_cache
def subscribe(request: HttpRequest) -> JsonResponse:
    """Store the browser's PushSubscription.toJSON(). Signed-in patients only; the endpoint must be
    one of WEBPUSH_ALLOWED_ORIGINS and the keys a P-256 point and a 16-byte secret."""
    if not request.user.is_authenticated or request.user.is_staff:
        return _bad(_("Sign in as a patient to turn on reminders."), status=403)
    patient = patient_for(request)
    if not push.enabled():
        return _bad(_("Reminders on this device are not available here."), status=404)
    data = _json(request)
    if data is None:
        return _bad(_("The browser sent something that is not a subscription. Reload the page and try again."))
    endpoint, keys = data.get("endpoint"), data.get("keys")
    keys = keys if isinstance(keys, dict) else {}
    p256dh, auth = _b64url(keys.get("p256dh")), _b64url(keys.get("auth"))
    if not isinstance(endpoint, str) or len(endpoint) > 1000 or not push.origin_allowed(endpoint):
        return _bad(_("This browser's push service is not one isodiary sends to, so reminders stay by e-mail."))
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh or b"")
    except ValueError:
        p256dh = None
    if p256dh is None or auth is None or len(auth) != 16:
        return _bad(_("The browser sent a subscription without valid keys. Reload the page and try again."))
    existing = PushSubscription.objects.filter(endpoint=endpoint).first()
    if existing is not None and existing.patient_id != patient.pk:
        # Another account's on this browser: the page subscribes afresh (a new endpoint) and tries again.
        return _bad(_("This browser gets another account's reminders."), status=409)
    try:
        subscription, created = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults={"patient": patient, "p256dh": keys["p256dh"], "auth": keys["auth"]})
    except IntegrityError:  # the same endpoint posted twice at once: the other request stored it
        return _bad(_("This browser's subscription was just saved. Reload the page."), status=409)
    return JsonResponse({"ok": True, "id": subscription.pk}, status=201 if created else 200)


@require_POST
@never_cache
def unsubscribe(request: HttpRequest) -> HttpResponse:
    """Remove one of the signed-in patient's subscriptions: JSON {"endpoint": …} from the page's
    script, or the profile's "Remove" button (a form; back to the profile)."""
    if not request.user.is_authenticated or request.user.is_staff:
        return _bad(_("Sign in as a patient to change reminders."), status=403)
    patient = patient_for(request)
    from_form = request.content_type != "application/json"
    data = request.POST if from_form else _json(request)
    endpoint = data.get("endpoint") if data is not None else None
    if not isinstance(endpoint, str) or not endpoint:
        return _bad(_("Say which device to remove."))
    deleted, _rows = PushSubscription.objects.filter(patient=patient, endpoint=endpoint).delete()
    if from_form:
        if deleted:
            messages.success(request, _("That device no longer gets reminders."))
        else:
            messages.error(request, _("That device was already removed."))
        return redirect("profile")
    if not deleted:  # not this patient's (or already gone): nothing of anyone else's is touched
        return _bad(_("That device was already removed."), status=404)
    return JsonResponse({"ok": True})
