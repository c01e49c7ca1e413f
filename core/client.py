"""The client's address, seen through the trusted proxies (settings.PROXY_COUNT).

One answer for the whole app: django-axes calls `client_address` (its AXES_CLIENT_IP_CALLABLE
setting), and so do the audit trail's middleware and its access rows, so the lockout and the trail
always agree on who the client is.

Each trusted proxy of the usual kind (nginx's `$proxy_add_x_forwarded_for`) appends the address it
was reached from, so the client is the PROXY_COUNT-th entry from the right of X-Forwarded-For.
Whatever a client wrote into the header itself stays to the left and is never read, whatever it
holds: quotes, empty entries, garbage. That one entry is parsed strictly (a bare IPv4 or IPv6
address); when it is missing or malformed the proxies are not doing what PROXY_COUNT says, and the
connection's own address (the proxy's) is used, with a warning, rather than guessing further left.
"""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if not count:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = header.split(",") if header else []
    if len(entries) < count:
        return _unusable(remote, f"it has {len(entries)} entries and PROXY_COUNT is {count}")
    try:
        address = ipaddress.ip_address(entries[-count].strip())
    except ValueError:
        address = None
    # An IPv6 zone ("fe80::1%eth0") names a network interface of the sender's, not an address;
    # PostgreSQL's inet columns (the lockout's, the trail's) refuse it.
    if address is None or getattr(address, "scope_id", None):
        return _unusable(remote, f"entry {count} from the right is not an IP address")
    return str(address)


def _unusable(remote: str | None, reason: str) -> str | None:
    # The header's text is the client's own and stays out of the log; so do the path and the user.
    logger.warning("X-Forwarded-For cannot give the client's address (%s): using the connection's, %s.",
                   reason, remote)
    return remote
