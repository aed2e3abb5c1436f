"""The client address django-axes keys lockouts on.

Behind nginx every request comes from 127.0.0.1, which would make a lockout
apply to everyone; X-Forwarded-For is believed only from the proxies listed in
FORWARDED_ALLOW_IPS, and only its last hop, which the proxy wrote.
"""

import os


def trusted_proxies():
    return {ip.strip() for ip in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1").split(",")}


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and remote in trusted_proxies():
        return forwarded.split(",")[-1].strip() or remote
    return remote
