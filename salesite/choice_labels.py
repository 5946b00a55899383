"""``get_FOO_display()`` without rebuilding the choices on every call (issue #17).

Django's ``Model._get_FIELD_display`` builds a dict of the field's choices on each call,
hashing every label, which is a lazy translation: a list page calls it three times a row and
paid more for it than for its rows' SQL. ``install()`` (from ``SalesiteConfig.ready``) gives
every model's generated ``get_FOO_display`` a version that keeps the labels per field and
language. Same results: the label as a string in the active language, or the value itself when
it is not a choice. Fields whose choices are computed (a callable) keep Django's method, and so
does a ``get_FOO_display`` a model writes itself.
"""

from __future__ import annotations

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_CACHE_ATTR = "_salesite_choice_labels"


def _labels(field) -> dict:
    per_language = field.__dict__.setdefault(_CACHE_ATTR, {})
    language = get_language()
    labels = per_language.get(language)
    if labels is None:
        labels = {
            key: force_str(label, strings_only=True)
            for key, label in make_hashable(field.flatchoices)
        }
        per_language[language] = labels
    return labels


def _get_field_display(self, field):
    value = getattr(self, field.attname)
    try:
        return _labels(field)[make_hashable(value)]
    except KeyError:
        return force_str(value, strings_only=True)


def label(model, field_name: str, value) -> str:
    """What ``instance.get_<field_name>_display()`` returns for ``value``, without an instance
    (rows read with ``values_list``)."""
    try:
        return _labels(model._meta.get_field(field_name))[make_hashable(value)]
    except KeyError:
        return force_str(value, strings_only=True)


def install() -> int:
    """Replace Django's generated ``get_FOO_display`` methods; returns how many."""
    replaced = 0
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if (
                isinstance(method, partialmethod)
                and method.func is Model._get_FIELD_display
                and method.keywords.get("field") is field
                and isinstance(field.choices, list | tuple)
            ):
                setattr(model, name, partialmethod(_get_field_display, field=field))
                replaced += 1
    return replaced
