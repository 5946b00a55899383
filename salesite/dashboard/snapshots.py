"""Figures computed once and shown again while their data is unchanged (issue #17): the
dashboard's and the compliance summaries'.

The key of a snapshot holds what the figures depend on: the projects of the scope (or every
project), the dates, today, the language, and the tokens of those projects and of ``*``
(salesite.figure_versions), which every committed write replaces. A snapshot is kept at most
``DASHBOARD_SNAPSHOT_SECONDS`` (figures such as "review overdue" change with the clock, not
only with writes); 0 turns snapshots off. A transaction that has written and not committed
computes afresh and keeps nothing. A cache that fails is skipped: the figures are computed.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from salesite import figure_versions

log = logging.getLogger(__name__)


def _key(name, project_ids, parts) -> str:
    scope = "all" if project_ids is None else ",".join(map(str, sorted(project_ids)))
    tokens = figure_versions.tokens(project_ids)
    raw = repr((name, scope, tokens, parts, translation.get_language()))
    return f"snapshot:{name}:" + hashlib.sha256(raw.encode()).hexdigest()


def reuse(name: str, compute, project_ids, *parts):
    """``compute()``, or what it gave before for the same ``name``, projects (``None``: every
    project) and ``parts`` (the dates, today…: what else the result depends on) while no row
    of those projects has changed. The result must pickle (figures, rows of values)."""
    seconds = getattr(settings, "DASHBOARD_SNAPSHOT_SECONDS", 60)
    if not seconds or figure_versions.has_pending_writes():
        return compute()
    key = _key(name, project_ids, parts)
    try:
        kept = cache.get(key)
    except Exception:  # a cache that is away must not stop the page
        log.warning("snapshot %s not read", name, exc_info=True)
        return compute()
    if kept is not None:
        return kept
    result = compute()
    try:
        cache.set(key, result, seconds)
    except Exception:
        log.warning("snapshot %s not kept", name, exc_info=True)
    return result


def figures(compute, project_ids, date_from, date_to, *, today):
    """The dashboard's figures, from the snapshot when one is kept for the same data."""
    return reuse("dashboard", compute, project_ids, date_from, date_to, today)
