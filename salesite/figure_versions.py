"""Versions of the data behind the dashboard figures (issue #17 item 3): a dashboard computed
once is shown again, without counting, until a row it may count changes.

Every write statement to a table of Salesite's apps is seen on its way to the database (an
execute wrapper on each connection), whatever made it: ``save()``, ``delete()``, a queryset's
``update()``, ``bulk_create``, a many-to-many change, raw SQL, a nightly job. When the
transaction commits (at once in autocommit), the token of each project written to is replaced
by a random one (``FigureVersion``, scope ``p:<id>``). The project comes from the
``pre_save`` / ``pre_delete`` / ``m2m_changed`` signal that announced the statement (the
instance's ``project_id``, or that of a related row already loaded with it); a statement that
no signal announced (``update()``, ``bulk_create``, raw SQL, a cascade) replaces the token
``*``, which every dashboard's key includes. So a change shows at once, on every process and
machine (the tokens are rows of the database), and a rolled-back transaction changes nothing.

While a transaction has written and not committed, its own reads compute afresh
(``has_pending_writes``): a view that changes rows and then reads figures in the same
transaction, or a test (which never commits), never sees an older snapshot.

Tables that change on their own and feed no figure (the beat's leases, job runs, form tokens,
outgoing messages, notifications, the versions themselves) are not watched.
"""

from __future__ import annotations

import functools
import logging
import re
import secrets

from django.apps import apps
from django.db import DatabaseError, connections
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

log = logging.getLogger(__name__)

WATCHED_APPS = frozenset(
    ["salesite", "communication", "feedback", "handover", "renovation", "operations", "owners"]
)
# Rows that change by themselves, read by no dashboard figure.
UNWATCHED_MODELS = frozenset(
    [
        "salesite.figureversion",
        "salesite.joblease",
        "salesite.jobrun",
        "salesite.formtoken",
        "salesite.outboundmessage",
        "salesite.notification",
        "salesite.smsmessage",
        "salesite.user",  # a login writes last_login; no figure counts users
        "owners.logincode",  # an owner's login
        "owners.loginguard",
    ]
)
ANY = "*"

_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|REPLACE\s+INTO)\s+(?:ONLY\s+)?"?(\w+)"?',
    re.IGNORECASE,
)
_tables: frozenset[str] | None = None


def watched_tables() -> frozenset[str]:
    global _tables
    if _tables is None:
        names = set()
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.app_label in WATCHED_APPS and meta.label_lower not in UNWATCHED_MODELS:
                names.add(meta.db_table.lower())
        _tables = frozenset(names)
    return _tables


class _Pending:
    """What one connection's open transaction wrote: the scopes to replace at commit, and the
    projects announced by signals for each table's next statement."""

    def __init__(self, connection):
        self.connection = connection
        self.scopes: set[str] = set()
        self.announced: dict[str, set[int]] = {}
        self.callback = None  # this transaction's on_commit callback, once registered

    def register(self):
        """Replace the tokens when this transaction commits (a rollback drops the callback
        with the transaction's other ``on_commit`` callbacks)."""
        self.scopes.clear()
        self.callback = functools.partial(self.flush)  # one object per registration
        self.connection.on_commit(self.callback)

    def flush(self):
        scopes, self.scopes, self.callback = self.scopes, set(), None
        self.announced.clear()
        replace_tokens(self.connection, scopes)


def _pending(connection) -> _Pending:
    pending = getattr(connection, "_figure_pending", None)
    if pending is None:
        pending = connection._figure_pending = _Pending(connection)
    return pending


def _is_registered(connection, pending: _Pending) -> bool:
    """Whether this transaction's commit will replace the tokens."""
    callback = pending.callback
    if callback is None:
        return False
    if any(func is callback for _sids, func, _robust in connection.run_on_commit):
        return True
    pending.callback = None  # rolled back
    pending.scopes.clear()
    return False


def has_pending_writes(using: str = "default") -> bool:
    """Whether the open transaction of this connection wrote rows it has not committed."""
    connection = connections[using]
    pending = getattr(connection, "_figure_pending", None)
    return bool(
        pending is not None
        and connection.in_atomic_block
        and _is_registered(connection, pending)
        and pending.scopes
    )


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    first = sql[:1] if sql[:1] not in " \n\t" else sql.lstrip()[:1]
    if first not in "IiUuDdTtRrWw":  # SELECT, SAVEPOINT, SET…: the common case, at once
        return result
    if first in "Ww":  # a common table expression: a write somewhere, table unknown
        if not re.search(r"\b(INSERT|UPDATE|DELETE)\b", sql, re.IGNORECASE):
            return result
        table = None
    elif first in "Tt":  # TRUNCATE a, b, …: every table named, so every project
        if not _WRITE.match(sql):
            return result
        table = None
    else:
        match = _WRITE.match(sql)
        if match is None:  # RELEASE SAVEPOINT, ROLLBACK…
            return result
        table = match.group(1).lower()
        if table not in watched_tables():
            return result
        # An UPDATE or DELETE that matched nothing (a job's, every minute) changed nothing.
        # (Not an INSERT: with RETURNING, SQLite counts its rows only once they are read.)
        if first in "UuDd" and getattr(context["cursor"], "rowcount", -1) == 0:
            return result
    connection = context["connection"]
    pending = _pending(connection)
    announced = pending.announced.pop(table, None) if table else None
    scopes = {f"p:{pk}" for pk in announced} if announced else {ANY}
    if not connection.in_atomic_block:
        replace_tokens(connection, scopes)
        return result
    if not _is_registered(connection, pending):
        pending.register()
    pending.scopes |= scopes
    return result


def replace_tokens(connection, scopes) -> None:
    """Give each scope a new random token (one statement; sorted, so that two of them never
    wait for each other's rows in opposite orders)."""
    if not scopes:
        return
    from salesite.models import FigureVersion

    table = connection.ops.quote_name(FigureVersion._meta.db_table)
    scopes = sorted(scopes)
    now = timezone.now()
    rows = ", ".join(["(%s, %s, %s)"] * len(scopes))
    params = []
    for scope in scopes:
        params += [scope, secrets.randbits(62), now]
    sql = (
        f"INSERT INTO {table} (scope, token, changed_at) VALUES {rows} "
        "ON CONFLICT (scope) DO UPDATE SET token = excluded.token, changed_at = excluded.changed_at"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:  # no table yet (migrating) or the database is away:
        # snapshots age out. One line, no traceback: a fresh migrate meets it several times.
        log.info(
            "dashboard figure versions not replaced for %s: %s",
            scopes,
            (str(exc).splitlines() or [""])[0],
        )


def tokens(project_ids, using: str = "default") -> tuple:
    """The tokens of ``*`` and of the projects (``None``: every project), in one query."""
    from salesite.models import FigureVersion

    rows = FigureVersion.objects.using(using)
    if project_ids is not None:
        rows = rows.filter(scope__in=[ANY, *(f"p:{pk}" for pk in project_ids)])
    return tuple(sorted(rows.values_list("scope", "token")))


def _project_of(instance) -> int | None:
    project_id = getattr(instance, "project_id", None)
    if isinstance(project_id, int):
        return project_id
    if instance.__class__._meta.label_lower == "salesite.project":
        return instance.pk
    # A related row loaded with the instance (a case's callback, a record's problem…).
    for related in getattr(instance._state, "fields_cache", {}).values():
        project_id = getattr(related, "project_id", None)
        if isinstance(project_id, int):
            return project_id
    return None


def _announce_instance(table_model, instance, using) -> None:
    """Attribute the next statement on ``table_model``'s table to ``instance``'s project."""
    if table_model._meta.app_label not in WATCHED_APPS:
        return
    project_id = _project_of(instance)
    if project_id is not None:
        announced = _pending(connections[using or "default"]).announced
        announced.setdefault(table_model._meta.db_table.lower(), set()).add(project_id)


def _announce(sender, instance, **kwargs):
    _announce_instance(sender, instance, kwargs.get("using"))


def _announce_m2m(sender, instance, action, **kwargs):
    """``sender`` is the through model: its rows belong to ``instance``'s project."""
    if action.startswith("pre_"):
        _announce_instance(sender, instance, kwargs.get("using"))


def _settled(sender, **kwargs):
    """A save or delete that ran no statement (``update_fields`` it did not write…) leaves no
    announcement for the next, unrelated statement on its table."""
    pending = getattr(connections[kwargs.get("using") or "default"], "_figure_pending", None)
    if pending is not None and pending.announced:
        pending.announced.pop(sender._meta.db_table.lower(), None)


def _install(sender, connection, **kwargs):
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def install() -> None:
    """Called from ``SalesiteConfig.ready()``."""
    connection_created.connect(_install, dispatch_uid="figure_versions_watch")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)
    pre_save.connect(_announce, dispatch_uid="figure_versions_pre_save")
    pre_delete.connect(_announce, dispatch_uid="figure_versions_pre_delete")
    post_save.connect(_settled, dispatch_uid="figure_versions_post_save")
    post_delete.connect(_settled, dispatch_uid="figure_versions_post_delete")
    m2m_changed.connect(_announce_m2m, dispatch_uid="figure_versions_m2m")
