"""The reader's address, for comment rate limits and the sign-in lockout.

A client can put anything in X-Forwarded-For, so it is believed only from a
proxy the operator named in TRUSTED_PROXIES (settings.DATELINE_TRUSTED_PROXIES,
empty by default). With none named, the socket's address counts, whatever the
headers say: otherwise anything that reaches the app port (over loopback, say)
would pick its own address and walk past every per-address limit.

Behind a named proxy the last hop counts: it is the one the proxy wrote
(deploy/nginx.conf overwrites the header with `$remote_addr`, so there is only one).
"""

import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@functools.cache
def _networks(entries):
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                "(e.g. 127.0.0.1, 10.0.0.0/8)"
            ) from None
    return tuple(networks)


def trusted_proxies():
    """The proxies (addresses or networks) whose X-Forwarded-For is believed."""
    return _networks(tuple(getattr(settings, "DATELINE_TRUSTED_PROXIES", ()) or ()))


def _address(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted_proxy(remote):
    address = _address(remote)
    return address is not None and any(address in network for network in trusted_proxies())


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and is_trusted_proxy(remote):
        last_hop = _address(forwarded.split(",")[-1])
        # A proxy that wrote nonsense is not a reason to store nonsense.
        if last_hop is not None:
            return str(last_hop)
    return remote
