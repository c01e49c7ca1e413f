import time

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.middleware import SessionMiddleware as BaseSessionMiddleware
from django.dispatch import receiver
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers

from . import twofactor
from .client import client_address

TOUCH_INTERVAL_SECONDS = 60
STAFF_SIGNED_IN_AT = "staff_signed_in_at"


@receiver(user_logged_in)
def _start_staff_session(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session") and user.is_staff:
        request.session[STAFF_SIGNED_IN_AT] = int(time.time())


class SessionMiddleware(BaseSessionMiddleware):
    """Django's session middleware, except that a GET whose session no longer exists leaves the
    browser's cookie alone.

    Django deletes the cookie of a request whose session it cannot find. A sign-in step gives the
    session a new key (the password, then the second factor), and a request the browser sent with
    the old key can arrive after the response that set the new one: Chromium checks /sw.js for an
    update after each navigation with the cookies from before it. Its answer deleted the new cookie
    and signed the person out the moment they had signed in. A stale key is left to expire instead
    (it opens nothing); signing out still deletes the cookie, since it changes the session."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (session is not None and request.method in ("GET", "HEAD") and not session.modified
                and settings.SESSION_COOKIE_NAME in request.COOKIES and session.is_empty()):
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))  # the page was made for a signed-out visitor
            return response
        return super().process_response(request, response)


class SessionLengthMiddleware:
    """Staff sessions end after 30 minutes without activity, and STAFF_SESSION_MAX_HOURS after the
    sign-in however active; patients keep the default 14 days.

    The staff expiry slides with activity, renewed at most once a minute so that a busy
    clinician's clicks do not each cost a session write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            session = request.session
            # A session from before the cap existed counts from now.
            signed_in_at = session.setdefault(STAFF_SIGNED_IN_AT, now)
            if now - signed_in_at >= settings.STAFF_SESSION_MAX_HOURS * 3600:
                logout(request)  # the page then asks to sign in again, as after the idle expiry
                return self.get_response(request)
            if session.get_expiry_age() != settings.STAFF_SESSION_IDLE_SECONDS or \
                    now - session.get("_touched", 0) >= TOUCH_INTERVAL_SECONDS:
                session["_touched"] = now
                session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """`Cache-Control: no-store, private` on every response to a signed-in person: their pages
    (the dashboard, the diary, the profile, the course pages, the admin, the exports) hold health
    data, and even a page without any (a topic page) names them in the header. Neither the browser's
    cache nor any shared one keeps them. Signed-out pages stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class TwoFactorMiddleware:
    """A signed-in user who needs a second factor (staff always, patients who turned it on) and has
    not given one in this session reaches only the pages below: every other page, the whole admin
    included, sends them to enter a code, or to set up an authenticator if they have none yet."""

    OPEN_VIEWS = {"two_factor", "two_factor_verify", "logout", "admin:logout", "healthz", "readyz",
                  "manifest", "service_worker", "offline"}  # the web app's public files

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not twofactor.required(request) or request.user.is_verified():
            return None
        if request.resolver_match.view_name in self.OPEN_VIEWS:
            return None
        if twofactor.enrolled(request.user):
            return redirect_to_login(request.get_full_path(), reverse("two_factor_verify"))
        if request.user.is_staff:
            return redirect_to_login(request.get_full_path(), reverse("two_factor"))
        request.session.pop(twofactor.REQUIRED_KEY, None)  # a patient whose device was removed
        return None


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, recording the client's address as the lockout sees it.

    Its own reading takes the first X-Forwarded-For entry whenever the header is present: anyone
    can write that header, so with no proxy (PROXY_COUNT=0) the trail would record whatever a
    client claims. `get_extra_data` is the middleware's public hook for what goes into each entry."""

    def get_extra_data(self, request):
        data = super().get_extra_data(request)
        if not settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            data["remote_addr"] = client_address(request)
        if not settings.PROXY_COUNT:
            data["remote_port"] = None  # X-Forwarded-Port, like the address, is only a proxy's word
        return data
