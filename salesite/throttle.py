"""A fixed-window request counter on Django's cache (``CACHES``, env ``CACHE_URL``).

Used where django-axes does not reach, e.g. password reset mails: ``allow(scope, key, ...)``
counts one request and says whether the key is still within its limit for the period. With
several web nodes the cache must be shared (Redis), or each node counts on its own.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _cache_key(scope: str, key: str) -> str:
    # Hashed: keys hold email addresses and must fit any cache backend's key rules.
    return f"throttle:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"


def allow(scope: str, key: str, *, limit: int, period: int = 3600) -> bool:
    """Count a request for ``key``; True while at most ``limit`` were counted in ``period`` s."""
    cache_key = _cache_key(scope, key)
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window expired between add() and incr()
        cache.add(cache_key, 1, timeout=period)
        count = 1
    return count <= limit
