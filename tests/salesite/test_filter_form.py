"""The filter forms' fields (templates/partials/filter_form.html, issue #17): written by the
``filter_field`` filter without crispy's nested templates, with the markup crispy-forms'
Bootstrap 5 ``as_crispy_field`` gives them (label, classes, errors, help text, ARIA)."""

from html.parser import HTMLParser

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.template import engines
from django.test import RequestFactory

from salesite.templatetags import salesite_tags
from salesite.templatetags.salesite_tags import filter_field


class _Tokens(HTMLParser):
    """Tags with sorted attributes (and sorted classes) and text, whitespace ignored."""

    def __init__(self):
        super().__init__()
        self.tokens = []

    def handle_starttag(self, tag, attrs):
        attrs = sorted(
            (k, " ".join(sorted((v or "").split())) if k == "class" else v) for k, v in attrs
        )
        self.tokens.append(("start", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.tokens.append(("data", " ".join(data.split())))


def tokens(html: str) -> list:
    parser = _Tokens()
    parser.feed(str(html))
    return parser.tokens


class SampleForm(forms.Form):
    project = forms.ChoiceField(
        required=False, choices=[("", "---------"), ("1", "滨江壹号"), ("2", "<云栖>")]
    )
    status = forms.MultipleChoiceField(
        required=False,
        choices=[("open", "处理中"), ("closed", "已关闭")],
        widget=forms.SelectMultiple(attrs={"class": "js-multi"}),
    )
    grouped = forms.ChoiceField(
        required=False,
        choices=[("", "全部"), ("一期", [("a", "1幢"), ("b", "2幢")])],
    )
    q = forms.CharField(required=False, label="编号/客户", help_text="支持<b>模糊</b>搜索")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.NullBooleanField(required=False, label="超时")
    needed = forms.CharField(label="必填")
    flag = forms.BooleanField(required=False, label="勾选")
    kind = forms.ChoiceField(
        required=False, choices=[("a", "甲"), ("b", "乙")], widget=forms.RadioSelect
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"project": "2", "status": ["open", "closed"], "grouped": "b", "q": '"x" & <y>'},
        {"project": "9", "status": ["nope"], "since": "not a date", "overdue": "true"},
    ],
)
def test_each_field_renders_as_crispy_does(data, monkeypatch):
    form = SampleForm(data)
    if data is not None:
        form.is_valid()
    for field in form:
        plain = filter_field(field)
        monkeypatch.setattr(salesite_tags, "PLAIN_FIELDS", False)  # crispy's own template
        assert tokens(plain) == tokens(as_crispy_field(field)), field.name
        monkeypatch.setattr(salesite_tags, "PLAIN_FIELDS", True)


def test_errors_are_shown_and_tied_to_the_field():
    form = SampleForm({"since": "not a date"})
    form.is_valid()
    html = str(filter_field(form["since"]))
    assert 'aria-invalid="true"' in html and "is-invalid" in html
    assert 'class="invalid-feedback"' in html and 'aria-describedby="id_since_error"' in html


def test_the_partial_renders_labels_and_ids():
    request = RequestFactory().get("/x/", {"project": "1"})

    class Filter:
        form = SampleForm(request.GET)

    html = (
        engines["django"]
        .get_template("partials/filter_form.html")
        .render({"filter": Filter, "request": request})
    )
    assert '<label for="id_project" class="form-label">' in html
    assert '<option value="1" selected>滨江壹号</option>' in html
    assert "&lt;云栖&gt;" in html
