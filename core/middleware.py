import time

from django.conf import settings

TOUCH_INTERVAL_SECONDS = 60


class SessionLengthMiddleware:
    """Staff sessions end after 30 minutes without activity; patients keep the default 14 days.

    The staff expiry slides with activity, renewed at most once a minute so that a busy
    clinician's clicks do not each cost a session write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            session = request.session
            if session.get_expiry_age() != settings.STAFF_SESSION_IDLE_SECONDS or \
                    now - session.get("_touched", 0) >= TOUCH_INTERVAL_SECONDS:
                session["_touched"] = now
                session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)
