"""Form fields written without crispy's nested templates (issue #17): templates/bootstrap5/
field.html hands a field rendered with the default FormHelper settings to
``salesite_tags.crispy_bootstrap5_field``, which must give the markup of crispy-bootstrap5's own
template (kept as bootstrap5/field_crispy.html) on every page of the demo that has a form, empty
and with its errors, and for ``{% crispy %}`` and ``|crispy`` alike."""

from __future__ import annotations

import pytest
from crispy_forms.helper import FormHelper
from django import forms
from django.db import transaction
from django.template import engines

from salesite import once
from salesite.templatetags import salesite_tags
from tests.salesite.test_filter_form import SampleForm, tokens
from tests.security import test_hostile_input as hostile

pytestmark = pytest.mark.django_db

VOLATILE = {"csrfmiddlewaretoken", once.FIELD}  # a new value on every rendering


def page_tokens(html: str) -> list:
    """The page's tokens without the values that change on every rendering."""
    out = []
    for token in tokens(html):
        if token[0] == "start":
            attrs = dict(token[2])
            if token[1] == "input" and attrs.get("name") in VOLATILE:
                attrs.pop("value", None)
            attrs.pop("hx-headers", None)  # the page's CSRF token for htmx
            token = ("start", token[1], tuple(sorted(attrs.items())))
        out.append(token)
    return out


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
    assert page_tokens(plain) == page_tokens(reference)
    assert 'class="invalid-feedback"' in plain if data else "is-invalid" not in plain


def test_every_form_page_of_the_demo_renders_as_crispys_template_does(demo):
    compared = with_errors = 0
    differ = []
    for name, url in hostile.pages(demo):
        client, response = hostile.fetch(demo, url)
        if response is None or not response.get("Content-Type", "").startswith("text/html"):
            continue
        if 'id="div_id_' not in response.content.decode():
            continue
        plain, reference = both(lambda c=client, u=url: c.get(u).content.decode())
        compared += 1
        if page_tokens(plain) != page_tokens(reference):
            differ.append(f"GET {name}")

        # The page's first form with fields, posted with its own values but every number and
        # date field unreadable (or else its first text field empty): answered with the form
        # and its errors, nothing stored.
        fields = hostile.context_fields(response)
        parser = hostile.FormParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            targets = [
                n for n in form.names if hostile.field_kind(fields.get(n)) in hostile.HOSTILE
            ]
            if form.method != "post" or not targets:
                continue
            data = hostile.baseline(form, fields)
            typed = [n for n in targets if hostile.field_kind(fields[n]) != "char"]
            for n in typed or [n for n in targets if n != once.FIELD][:1]:
                data[n] = "abc" if typed else ""  # not a number or date / a required text

            def post(c=client, u=form.action or url, d=data):
                with transaction.atomic():
                    response = c.post(u, d)
                    transaction.set_rollback(True)
                if response.status_code != 200 or response.streaming:
                    return ""
                return response.content.decode()

            plain, reference = both(post)
            if 'class="invalid-feedback"' in plain:
                with_errors += 1
                if page_tokens(plain) != page_tokens(reference):
                    differ.append(f"POST {name}")
            break
    assert compared > 40 and with_errors > 20, (compared, with_errors)
    assert not differ, differ
