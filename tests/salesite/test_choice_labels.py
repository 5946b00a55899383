"""get_FOO_display() through salesite.choice_labels (issue #17): the labels Django's own method
gives, in the active language, for every model field with choices."""

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils import translation

from feedback.models import Case, CaseStatus
from salesite import choice_labels


def test_every_generated_display_method_is_replaced():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            method = model.__dict__.get(f"get_{field.name}_display")
            if isinstance(method, partialmethod) and method.keywords.get("field") is field:
                assert method.func is not Model._get_FIELD_display, (model, field.name)


def test_labels_follow_the_language_and_match_django():
    field = Case._meta.get_field("status")
    case = Case()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, _label in CaseStatus.choices:
                case.status = value
                assert case.get_status_display() == Model._get_FIELD_display(case, field)
                assert type(case.get_status_display()) is str
    with translation.override("zh-hans"):
        case.status = CaseStatus.NEW
        assert case.get_status_display() == "新登记"


def test_a_value_outside_the_choices_is_shown_as_it_is():
    case = Case(status="no-such-status")
    assert case.get_status_display() == "no-such-status"
    case.status = None
    assert case.get_status_display() is None


def test_install_is_idempotent():
    assert choice_labels.install() == 0
