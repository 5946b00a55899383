"""Every form class of every app is bounded (issue #12, item 11): it includes
``PlausibleInputMixin``, directly or through ``CrispyMixin``, and its fields get their ranges."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps

from salesite.forms import (
    DECIMAL_MAX_DIGITS,
    INTEGER_RANGE,
    TEXT_MAX_LENGTH,
    PlausibleInputMixin,
)

PROJECT_APPS = ("salesite", "communication", "handover", "renovation", "feedback")


def project_form_classes():
    for config in apps.get_app_configs():
        if config.name not in PROJECT_APPS:
            continue
        for module in ("forms", "views", "filters", "operations.forms", "dashboard.views"):
            try:
                importlib.import_module(f"{config.name}.{module}")
            except ModuleNotFoundError:
                continue
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in PROJECT_APPS and not sub.__name__.endswith("Mixin"):
                found.add(sub)
    return found


def test_every_project_form_is_bounded():
    classes = project_form_classes()
    assert len(classes) > 80, len(classes)
    unbounded = sorted(
        f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, PlausibleInputMixin)
    )
    assert not unbounded, f"forms without PlausibleInputMixin: {unbounded}"


class Sample(PlausibleInputMixin, forms.Form):
    day = forms.DateField()
    at = forms.DateTimeField()
    count = forms.IntegerField()
    amount = forms.DecimalField(decimal_places=2)
    note = forms.CharField()


def errors_for(**data):
    valid = {
        "day": "2026-01-05",
        "at": "2026-01-05T10:00",
        "count": "3",
        "amount": "12.50",
        "note": "好",
    }
    form = Sample({**valid, **data})
    form.is_valid()
    return form.errors


def test_plausible_values_pass():
    form = Sample(
        {
            "day": "1900-01-01",
            "at": "2100-12-31T23:59",
            "count": "-5",
            "amount": "0.01",
            "note": "x",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(1900, 1, 1)
    assert form.cleaned_data["amount"] == Decimal("0.01")


def test_hostile_values_are_form_errors():
    assert "day" in errors_for(day="0001-01-01")
    assert "day" in errors_for(day="9999-12-31")
    assert "at" in errors_for(at="0001-01-01T00:00")
    assert "count" in errors_for(count=str(INTEGER_RANGE[1] + 1))
    assert "count" in errors_for(count="-99999999999999999999")
    for value in ("1e400", "nan", "inf", "1" * (DECIMAL_MAX_DIGITS + 1)):
        assert "amount" in errors_for(amount=value), value
    assert "note" in errors_for(note="a\x00b")
    assert "note" in errors_for(note="x" * (TEXT_MAX_LENGTH + 1))
    assert errors_for(day="0001-01-01")["day"] == ["请输入 1900-01-01 至 2100-12-31 之间的日期。"]


def test_model_form_integers_get_the_columns_portable_range():
    from renovation.forms import FeePaymentForm  # noqa: F401 — a plain form with its own range
    from salesite.forms import UnitForm
    from salesite.models import Building

    form = UnitForm({"floor": "99999999999"}, buildings=Building.objects.none())
    form.is_valid()
    assert "floor" in form.errors


@pytest.mark.django_db
def test_nul_characters_in_a_request_are_refused(client, django_user_model):
    user = django_user_model.objects.create_user("nul_probe", password="x")
    client.force_login(user)
    assert client.get("/core/projects/", {"q": "a\x00b"}).status_code == 400
    assert client.post("/core/projects/", {"note": "a\x00b"}).status_code == 400
    assert client.get("/core/projects/", {"q": "ab"}).status_code == 200
