"""Form fields written without crispy's nested templates (issue #17): templates/bootstrap5/
field.html hands a field rendered with the default FormHelper settings to
``salesite_tags.crispy_bootstrap5_field``, which must give the markup of crispy-bootstrap5's own
template (kept as bootstrap5/field_crispy.html), for ``{% crispy %}`` and ``|crispy`` alike,
empty and with errors. The hostile input test checks it on every form of every page of the
demo (it renders each field both ways while it runs: ``same_field_markup``)."""

from __future__ import annotations

import pytest
from crispy_forms.helper import FormHelper
from django import forms
from django.template import engines

from salesite.templatetags import salesite_tags
from tests.salesite.test_filter_form import SampleForm, tokens

pytestmark = pytest.mark.django_db


def both(render):
    """(with the plain fields, with crispy's template only)."""
    plain = render()
    salesite_tags.PLAIN_FIELDS = False
    try:
        return plain, render()
    finally:
        salesite_tags.PLAIN_FIELDS = True


class HelperForm(SampleForm):
    note = forms.CharField(required=False, widget=forms.Textarea, help_text="最多 500 字")
    amount = forms.DecimalField(required=False, max_digits=8, decimal_places=2)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()


@pytest.mark.parametrize("data", [None, {"project": "9", "since": "x", "amount": "abc"}])
@pytest.mark.parametrize("tag", ["{% crispy form %}", "{{ form|crispy }}"])
def test_a_form_renders_as_crispys_template_does(data, tag):
    template = engines["django"].from_string("{% load crispy_forms_tags %}" + tag)
    form = HelperForm(data)
    if data is not None:
        assert not form.is_valid()
    plain, reference = both(lambda: template.render({"form": form}))
    assert tokens(plain) == tokens(reference)
    assert 'class="invalid-feedback"' in plain if data else "is-invalid" not in plain


def field_markup_differences(checked) -> list[str]:
    """The fields whose plain markup differs from crispy's template (salesite_tags.FIELD_CHECK
    entries)."""
    return [
        f"{field.form.__class__.__name__}.{field.name}"
        for field, plain, reference in checked
        if tokens(plain) != tokens(reference)
    ]


def test_the_check_records_each_field_and_finds_a_difference(monkeypatch):
    checked = []
    monkeypatch.setattr(salesite_tags, "FIELD_CHECK", checked)
    form = HelperForm({"since": "x"})
    form.is_valid()
    engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}").render(
        {"form": form}
    )
    plain_fields = [f for f in form if not f.is_hidden and f.name not in {"flag", "kind"}]
    assert [f.name for f, _p, _r in checked] == [f.name for f in plain_fields]
    assert field_markup_differences(checked) == []
    widget = form["since"].field.widget
    assert "form-control" not in widget.attrs.get("class", "")  # crispy's change undone
    field, plain, reference = checked[0]
    checked[0] = (field, plain.replace("form-label", "form-label x"), reference)
    assert field_markup_differences(checked) == [f"HelperForm.{field.name}"]


def test_a_check_list_with_seen_records_each_distinct_markup_once(monkeypatch):
    from tests.security.conftest import DistinctFields

    checked = DistinctFields()
    monkeypatch.setattr(salesite_tags, "FIELD_CHECK", checked)
    render = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}").render
    for data in ({"since": "x"}, {"since": "x"}, {"since": "y"}):
        form = HelperForm(data)
        form.is_valid()
        render({"form": form})
    names = [f.name for f, _p, _r in checked]
    # The second form is the first again; the third changes only "since".
    assert names.count("since") == 2
    assert len(names) == len(set(names)) + 1
    assert field_markup_differences(checked) == []
