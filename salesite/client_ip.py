"""The client's IP address, for login lockouts (django-axes) and the reset throttle.

Behind a reverse proxy every request comes from the proxy's address, so lockouts keyed on
the IP would lock everyone together. The proxy passes the real client in X-Forwarded-For, but
any client can send that header too: it is read only when the request comes from one of
``settings.TRUSTED_PROXIES``. django-ipware then parses the chain (``X-Forwarded-For`` plus the
proxy's own address) and takes the hop ``AXES_IPWARE_PROXY_COUNT`` places before the end, so
addresses that a client put in front of the chain itself are skipped.
"""

from __future__ import annotations

import functools
import ipaddress
from types import SimpleNamespace

from django.conf import settings
from ipware.ip import get_client_ip


@functools.lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The parsed TRUSTED_PROXIES, once per setting value (this runs on every request)."""
    return tuple(
        ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()
    )


def is_trusted_proxy(address: str | None) -> bool:
    if not address or not settings.TRUSTED_PROXIES:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or for a request from a trusted proxy the client it forwards for."""
    remote = request.META.get("REMOTE_ADDR") or None
    if not is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").strip()
    meta = {
        # The proxy is the chain's last hop: a proxy appends the address it received the
        # request from, never its own.
        "HTTP_X_FORWARDED_FOR": f"{forwarded}, {remote}" if forwarded else remote,
        "REMOTE_ADDR": remote,
    }
    ip, _routable = get_client_ip(
        SimpleNamespace(META=meta),
        proxy_order=settings.AXES_IPWARE_PROXY_ORDER,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
        # Not strict: a chain longer than the proxies (a client sent its own header) is still
        # read from the end, where our proxies wrote.
        strict=False,
    )
    return ip or remote
