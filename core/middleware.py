from django.conf import settings


class SessionLengthMiddleware:
    """Staff sessions end after 30 minutes without activity; patients keep the default 14 days."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            # Renewed on each request, so it measures inactivity rather than session age.
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)
