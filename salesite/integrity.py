"""A duplicate the database refuses becomes the form's error, not a 500 (issue #12).

Form validation (``validate_unique``/``validate_constraints``, a form's own ``clean``) finds
the duplicate that is already stored; two requests that create the same value at the same time
both pass it, and the second one's INSERT fails on the unique constraint. ``save_or_form_error``
runs the write in a savepoint and turns that IntegrityError into the form's error, in Chinese,
naming the field (the constraint's own ``violation_error_message`` when it has one).
"""

from __future__ import annotations

import re

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import UniqueConstraint
from django.utils.translation import gettext as _

FAILED = object()

_SQLITE = re.compile(r"UNIQUE constraint failed: (.+)$")
_PG_DETAIL = re.compile(r"Key \((.+?)\)=")


def _model_for_table(table: str):
    return next((m for m in apps.get_models() if m._meta.db_table == table), None)


def violated_unique(exc: IntegrityError):
    """(model, [model fields]) of the unique constraint that ``exc`` reports, or None."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:  # PostgreSQL (psycopg): table and "Key (a, b)=(…) already exists."
        match = _PG_DETAIL.search(diag.message_detail or "")
        table, columns = diag.table_name, match and [c.strip() for c in match[1].split(",")]
    else:  # SQLite: "UNIQUE constraint failed: table.a, table.b"
        match = _SQLITE.search(str(exc))
        if not match:
            return None
        names = [part.strip() for part in match[1].split(",")]
        table = names[0].rsplit(".", 1)[0]
        columns = [n.rsplit(".", 1)[-1] for n in names]
    model = _model_for_table(table) if table else None
    if model is None or not columns:
        return None
    by_column = {f.column: f for f in model._meta.concrete_fields}
    fields = [by_column[c] for c in columns if c in by_column]
    return (model, fields) if fields else None


def _constraint_message(model, fields) -> str | None:
    names = {f.name for f in fields}
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and set(constraint.fields) == names:
            message = constraint.violation_error_message
            if message and message != constraint.default_violation_error_message:
                return str(message)
    return None


def add_integrity_error(form, exc: IntegrityError) -> None:
    """Put the refused duplicate on ``form``: on the constraint's last field the form has."""
    found = violated_unique(exc)
    if found is None:
        form.add_error(None, _("保存失败：与已有记录冲突（可能刚由他人提交），请检查后重试。"))
        return
    model, fields = found
    in_form = [f for f in fields if f.name in form.fields]
    target = in_form[-1].name if in_form else None
    message = _constraint_message(model, fields) or _(
        "%(model)s中已有相同%(fields)s的记录（可能刚由他人提交），请勿重复创建。"
    ) % {
        "model": model._meta.verbose_name,
        "fields": "、".join(str(f.verbose_name) for f in (in_form or fields)),
    }
    form.add_error(target, message)


def save_or_form_error(form, call):
    """``call()`` in a savepoint; its result, or FAILED with the duplicate on the form."""
    try:
        with transaction.atomic():
            return call()
    except IntegrityError as exc:
        add_integrity_error(form, exc)
        return FAILED
