"""Bulk writes in the audit trail (R-X-2).

``QuerySet.update()``, ``bulk_update()`` and ``bulk_create()`` send no signals, so
django-auditlog records nothing for them. The apps write audited models in bulk through these
helpers instead: the old values are read in one query, the rows written, and one LogEntry per
changed row (each field's old → new, as auditlog's own diff writes it) bulk-created — a fixed
number of queries whatever the number of rows.

Who: ``actor`` when given, else the request's user (auditlog's middleware context); a
scheduled job's run names itself with ``audit_job(name)`` (``salesite.jobs`` does it for every
job) and its entries carry ``additional_data = {"job": name}``."""

import contextlib
from contextvars import ContextVar

from django.db import connections, router, transaction
from django.db.models.signals import pre_save

_job: ContextVar[str | None] = ContextVar("salesite_audit_job", default=None)

BATCH_SIZE = 2000


@contextlib.contextmanager
def audit_job(name: str):
    """Within the block, audit entries say which job wrote them: the bulk-written ones, and
    (through auditlog's context) those of the job's saves."""
    from auditlog.context import set_extra_data

    token = _job.set(name)
    try:
        with set_extra_data({"additional_data": {"job": name}}):
            yield
    finally:
        _job.reset(token)


def _audited(model) -> bool:
    from auditlog.context import auditlog_disabled
    from auditlog.registry import auditlog

    return auditlog.contains(model) and not auditlog_disabled.get()


def _context(actor) -> dict:
    """The actor, correlation id and remote address of the entries, as auditlog sets them."""
    from auditlog.cid import get_cid
    from auditlog.context import auditlog_value

    try:
        ctx = auditlog_value.get()
    except LookupError:
        ctx = {}
    # auditlog leaves the value set after its block; it is live while its receiver is.
    if not any(r[0][0] == ctx.get("signal_duid") for r in pre_save.receivers):
        ctx = {}
    if actor is None:
        actor = ctx.get("actor")
        if callable(actor):  # the middleware stores a lazy getter
            actor = actor()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    fields = {"actor": actor, "cid": get_cid()}
    if actor is not None:
        fields["actor_email"] = getattr(actor, "email", None) or None
    if ctx.get("remote_addr"):
        fields["remote_addr"] = ctx["remote_addr"]
    job = _job.get()
    if job:
        fields["additional_data"] = {"job": job}
    return fields


class _WouldQuery(Exception):
    pass


def _no_queries(execute, sql, params, many, context):
    raise _WouldQuery


def _repr(obj) -> str:
    """``str()`` of the row when it needs no query (its related rows loaded), else the type
    and key: a label never costs a query per row."""
    try:
        with connections[router.db_for_read(type(obj))].execute_wrapper(_no_queries):
            return str(obj)[:1000]
    except _WouldQuery:
        return f"{obj._meta.verbose_name} #{obj.pk}"


def log_changes(pairs, *, actor=None, action=None) -> int:
    """Bulk-create one LogEntry per ``(old, new)`` pair whose audited fields differ (``old``
    None: a creation). Returns the number of entries written."""
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    pairs = list(pairs)
    if not pairs or not _audited(type(pairs[0][1])):
        return 0
    model = type(pairs[0][1])
    content_type = ContentType.objects.get_for_model(model)
    ctx = _context(actor)
    entries = []
    for old, new in pairs:
        changes = model_instance_diff(old, new, use_json_for_changes=False)
        if not changes:
            continue
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(new.pk),
                object_id=new.pk if isinstance(new.pk, int) else None,
                object_repr=_repr(new),
                action=action
                if action is not None
                else (LogEntry.Action.CREATE if old is None else LogEntry.Action.UPDATE),
                changes=changes,
                **ctx,
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    return len(entries)


def _copy(obj):
    clone = type(obj)(**{f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields})
    clone._state.adding = False
    return clone


def _locked(queryset):
    in_atomic = transaction.get_connection(router.db_for_write(queryset.model)).in_atomic_block
    return queryset.select_for_update(of=("self",)) if in_atomic else queryset


def bulk_update_audited(queryset, *, actor=None, **values) -> int:
    """``queryset.update(**values)`` (plain values, no expressions) with one audit entry per
    changed row. Reads the rows (locked inside a transaction) in one query, updates them in
    one more, and logs them in one more; returns the number of rows updated. ``str()`` of a
    row is its entry's label: select_related what it reads."""
    model = queryset.model
    if not _audited(model):
        return queryset.update(**values)
    with transaction.atomic(using=router.db_for_write(model)):
        rows = list(_locked(queryset))
        if not rows:
            return 0
        count = model._default_manager.filter(pk__in=[r.pk for r in rows]).update(**values)
        pairs = []
        for row in rows:
            new = _copy(row)
            for name, value in values.items():
                setattr(new, name, value)
            new._state.fields_cache = row._state.fields_cache  # the label's related rows
            pairs.append((row, new))
        log_changes(pairs, actor=actor)
    return count


def bulk_update_objects_audited(objs, fields, *, actor=None, batch_size=None) -> int:
    """``Model.objects.bulk_update(objs, fields)`` with one audit entry per changed row: the
    stored values are read in one query before the write."""
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    manager = model._default_manager
    if not _audited(model):
        return manager.bulk_update(objs, fields, batch_size=batch_size)
    with transaction.atomic(using=router.db_for_write(model)):
        stored = manager.in_bulk([o.pk for o in objs])
        count = manager.bulk_update(objs, fields, batch_size=batch_size)
        pairs = []
        for obj in objs:
            old = stored.get(obj.pk)
            if old is None:
                continue
            # Compare only the written fields: others of ``obj`` may be stale or unloaded.
            new = _copy(old)
            for name in fields:
                setattr(
                    new,
                    model._meta.get_field(name).attname,
                    getattr(obj, model._meta.get_field(name).attname),
                )
            new._state.fields_cache = obj._state.fields_cache
            pairs.append((old, new))
        log_changes(pairs, actor=actor)
    return count


def bulk_create_audited(model, objs, *, actor=None, **kwargs) -> list:
    """``model.objects.bulk_create(objs)`` with one creation entry per row (PostgreSQL gives
    the new keys back). With ``ignore_conflicts`` the skipped rows have no key and no entry."""
    objs = model._default_manager.bulk_create(list(objs), **kwargs)
    log_changes([(None, o) for o in objs if o.pk is not None], actor=actor)
    return objs
