"""One workflow engine for every record that moves through states.

A model with a workflow declares, as class attributes:

* ``TRANSITIONS``: ``{state: {next states}}``. A state absent from the table is final.
* ``STATUS_FIELD``: the field holding the state (default ``"status"``).
* ``WORKFLOW_HISTORY``: ``"app_label.Model"`` of its history rows (subclasses of
  ``salesite.models.StatusHistory``), if it keeps a history.
* ``TRANSITION_ERROR``: the message of a refused move, with ``%(from)s`` and ``%(to)s``
  (default: "<verbose name>不能从“…”变为“…”。").

``transition(obj, to, by=…)`` is the only way a service changes such a state: it refuses an
undeclared move (a move to the same state included), saves the new state and writes the
history row, all or nothing inside the caller's transaction. The caller locks the row first
(``select_for_update``) so that two staff cannot both move it.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite.exceptions import InvalidTransition

DEFAULT_ERROR = _("%(what)s不能从“%(from)s”变为“%(to)s”。")


def status_field(model) -> str:
    return getattr(model, "STATUS_FIELD", "status")


def _choices(model) -> dict[str, str]:
    field = model._meta.get_field(status_field(model))
    return {str(value): str(label) for value, label in field.flatchoices}


def _label(model, state) -> str:
    return _choices(model).get(str(state), str(state))


def allowed_next(obj) -> list[str]:
    """The states ``obj`` may move to, in the order of the field's choices."""
    model = type(obj)
    allowed = {str(s) for s in model.TRANSITIONS.get(getattr(obj, status_field(model)), ())}
    return [value for value in _choices(model) if value in allowed]


def can_transition(obj, to) -> bool:
    model = type(obj)
    current = getattr(obj, status_field(model))
    return str(to) != str(current) and str(to) in {
        str(s) for s in model.TRANSITIONS.get(current, ())
    }


def refusal(obj, to) -> InvalidTransition:
    model = type(obj)
    template = getattr(model, "TRANSITION_ERROR", None)
    values = {
        "what": str(model._meta.verbose_name),
        "from": _label(model, getattr(obj, status_field(model))),
        "to": _label(model, to),
    }
    return InvalidTransition(str(template or DEFAULT_ERROR) % values)


def history_model(model):
    label = getattr(model, "WORKFLOW_HISTORY", None)
    return apps.get_model(label) if label else None


def _subject_field(history, model) -> str:
    for field in history._meta.get_fields():
        if (
            isinstance(field, models.ForeignKey)
            and field.name != "project"
            and issubclass(model, field.related_model)
        ):
            return field.name
    raise LookupError(f"{history._meta.label} has no foreign key to {model._meta.label}")


def transition(
    obj,
    to,
    *,
    by,
    note: str = "",
    at: datetime.datetime | None = None,
    fields=(),
    history: dict | None = None,
):
    """Move ``obj`` to state ``to``; save it (with ``fields``) and return its history row.

    Raises ``InvalidTransition`` (a DomainError, shown on the form) when the model's
    ``TRANSITIONS`` does not allow the move; nothing is saved then."""
    model = type(obj)
    field = status_field(model)
    if not can_transition(obj, to):
        raise refusal(obj, to)
    previous = getattr(obj, field)
    setattr(obj, field, to)
    auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    obj.save(update_fields=list(dict.fromkeys([field, *auto_now, *fields])))
    history_cls = history_model(model)
    if history_cls is None:
        return None
    values = {
        _subject_field(history_cls, model): obj,
        "from_status": previous,
        "to_status": to,
        "by": by,
        "at": at or timezone.now(),
        "note": note,
        **(history or {}),
    }
    if "project" in {f.name for f in history_cls._meta.concrete_fields} and hasattr(
        obj, "project_id"
    ):
        values.setdefault("project_id", obj.project_id)
    return history_cls.objects.create(**values)


def workflow_models() -> list:
    """Every installed model that declares a transition table."""
    return [m for m in apps.get_models() if isinstance(getattr(m, "TRANSITIONS", None), dict)]
