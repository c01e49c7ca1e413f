"""The client's address, seen through the trusted proxies (settings.PROXY_COUNT).

One answer for the whole app: django-axes asks django-ipware with the same two settings
(AXES_IPWARE_PROXY_COUNT, AXES_IPWARE_META_PRECEDENCE_ORDER), so the lockout and the audit trail
always agree on who the client is."""

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_address(request: HttpRequest) -> str | None:
    address, _routable = get_client_ip(
        request,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
    )
    return address
