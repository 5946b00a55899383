"""Hostile input (issue #12, item 11): every form of every app and every list page's query
string, generated from the URL conf like the permission matrix, must answer without a 500 and
store nothing.

The pages come from ``tests/permissions/test_matrix.py`` (its ``URLS`` classification of every
URL name and its demo objects). Each GET-able page is fetched as a user who may use it (the
superuser, or else the first binjiang role that gets a 200); every ``<form method="post">`` on
it is parsed, filled with a valid baseline (its own values, or a plausible value per field
type) and posted once per hostile value in each of its date, date-time, integer, decimal and
text fields, inside a savepoint that is rolled back, so that the posts do not see each other.
A hostile value must be refused: the answer is the form again (200, with its error) or a
4xx, never a 5xx and never a redirect (a redirect means the value was accepted and stored).
Every page is also requested with hostile query strings (its own GET form's fields, plus
``date``, ``project``, ``page``, ``building``, ``q``).

The failures are collected and reported together, so one run lists every 500.
"""

from __future__ import annotations

import datetime
import os
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django import forms
from django.contrib.messages import ERROR
from django.db import transaction
from django.forms.formsets import BaseFormSet, ManagementForm
from django.urls import Resolver404, resolve

from tests.permissions import test_matrix as matrix

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999"
LONG = "x" * 200_000
HOSTILE = {
    "date": ["0001-01-01", "9999-12-31"],
    "datetime": ["0001-01-01T00:00", "9999-12-31T23:59"],
    "int": [BIG, "-" + BIG],
    "decimal": ["1e400", "nan", "inf", "-" + BIG],
    "char": ["a\x00b", LONG],
}
QUERY_HOSTILE = [
    {"date": "9999-12-31", "project": "abc", "page": BIG, "building": "1e400", "q": "a\x00b"},
    {"date": "0001-01-01", "project": BIG, "page": "-1", "building": BIG, "month": "0001-13"},
]
QUERY_BY_KIND = {
    "date": ["9999-12-31", "0001-01-01"],
    "datetime": ["9999-12-31T23:59", "0001-01-01T00:00"],
    "int": [BIG, "1e400"],
    "decimal": ["1e400", "nan"],
    "char": ["a\x00b", "x" * 5000],
    "choice": [BIG, "abc"],
}
REFUSED = {200, 400, 403, 404, 405, 409, 413}


def field_kind(f) -> str | None:
    if isinstance(f, forms.DateTimeField | forms.SplitDateTimeField):
        return "datetime"
    if isinstance(f, forms.DateField):
        return "date"
    if isinstance(f, forms.DecimalField | forms.FloatField):
        return "decimal"
    if isinstance(f, forms.IntegerField):
        return "int"
    if isinstance(f, forms.ModelChoiceField | forms.ChoiceField):
        return "choice"
    if isinstance(f, forms.CharField):
        return "char"
    return None


# --- HTML forms --------------------------------------------------------------------------------


@dataclass
class HtmlForm:
    method: str
    action: str
    data: dict[str, list[str]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # every field name, in order
    has_file: bool = False


class FormParser(HTMLParser):
    """The forms of a page with what a browser would submit unchanged."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option: str | None = None
        self._in_option = False
        self._submitted = False

    def _add(self, name, value):
        if self._form is None or not name:
            return
        if name not in self._form.names:
            self._form.names.append(name)
        if value is not None:
            self._form.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = HtmlForm(
                method=(a.get("method") or "get").lower(), action=a.get("action") or ""
            )
            self._submitted = False
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button"):
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            name = a.get("name")
            if kind in ("submit", "image"):
                if name and not self._submitted:
                    self._submitted = True
                    self._add(name, a.get("value", ""))
            elif kind in ("checkbox", "radio"):
                if name:
                    self._add(name, a.get("value", "on") if "checked" in a else None)
            elif kind == "file":
                self._form.has_file = True
                self._add(name, None)
            elif kind not in ("reset", "button"):
                self._add(name, a.get("value", ""))
        elif tag == "select":
            self._select = a.get("name")
            self._select_options = []
            self._add(self._select, None)
        elif tag == "option" and self._select:
            self._option = a.get("value")  # None: the option's text is its value
            self._in_option = True
            self._select_options.append((self._option, "selected" in a))
            self._text = []
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._text = []

    def handle_data(self, data):
        if self._textarea is not None or self._in_option:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._in_option:
            self._in_option = False
            if self._option is None:
                selected = self._select_options[-1][1]
                self._select_options[-1] = ("".join(self._text).strip(), selected)
        elif tag == "select" and self._select is not None:
            chosen = [v for v, s in self._select_options if s and v]
            if not chosen:
                chosen = [v for v, _s in self._select_options if v][:1]
            for v in chosen:
                self._add(self._select, v)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, "".join(self._text).lstrip("\n"))
            self._textarea = None


def context_fields(response) -> dict[str, forms.Field]:
    """html name → form field, over every form and formset in the page's context."""
    found: dict[str, forms.Field] = {}
    if response.context is None:
        return found

    def add_form(form):
        for name, f in form.fields.items():
            found.setdefault(form.add_prefix(name), f)

    seen = set()
    for ctx in response.context:
        for value in ctx.flatten().values() if hasattr(ctx, "flatten") else ctx.values():
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, ManagementForm):
                continue  # Django's own, bounded by the formset
            if isinstance(value, forms.BaseForm):
                add_form(value)
            elif isinstance(value, BaseFormSet):  # its management form is Django's own
                for form in value.forms:
                    add_form(form)
            elif hasattr(value, "form") and isinstance(
                getattr(value, "form", None), forms.BaseForm
            ):
                add_form(value.form)  # a django-filter FilterSet
    return found


def plausible(name: str, f: forms.Field | None) -> str:
    """A value the field accepts, as a front-desk user would type it."""
    today = datetime.date.today()
    later = name.endswith(("_end", "_until", "ends_at", "ends_on", "end")) or "until" in name
    day = today + datetime.timedelta(days=30 if later else 0)
    if f is None:
        return "1"
    kind = field_kind(f)
    if kind == "datetime":
        return f"{day.isoformat()}T{'18' if later else '10'}:00"
    if kind == "date":
        return day.isoformat()
    if kind in ("int", "decimal"):
        low = getattr(f, "min_value", None)
        return str(max(int(low or 1), 1))
    if kind == "choice":
        for value, _label in f.choices:
            if value not in ("", None):
                return str(value)
        return ""
    if isinstance(f, forms.TimeField):
        return "18:00" if later else "09:00"
    if isinstance(f, forms.EmailField):
        return "owner@example.com"
    if "phone" in name or "mobile" in name:
        return "13800000000"
    if name == "id_number":
        from tests.factories import valid_id_number

        return valid_id_number(4242)
    if name == "items_text":
        return "沙发 1"
    if isinstance(f, forms.CharField):
        return "测试"
    return "1"


def _unit_number(data) -> str | None:
    """A real unit number of the chosen building (forms name the unit by building + number)."""
    from salesite.models import Unit

    building = (data.get("building") or [""])[0]
    if not building.isdigit():
        return None
    unit = Unit.objects.filter(building_id=int(building)).order_by("pk").first()
    return unit.number if unit else None


def baseline(form: HtmlForm, fields: dict[str, forms.Field]) -> dict[str, list[str]]:
    data = {k: list(v) for k, v in form.data.items()}
    for name in form.names:
        f = fields.get(name)
        if f is None or not f.required:
            continue
        if not any(v.strip() for v in data.get(name, [])):
            data[name] = [plausible(name, f)]
    picks_a_unit = "floor" not in form.names  # not the unit form itself
    for name in ("unit_number", "number"):
        if picks_a_unit and name in form.names and (number := _unit_number(data)):
            data[name] = [number]
    return data


# --- the run -----------------------------------------------------------------------------------


@dataclass
class Finding:
    where: str
    field: str
    value: str
    status: object

    def __str__(self):
        shown = (
            self.value if len(self.value) < 40 else f"{self.value[:10]}…({len(self.value)} chars)"
        )
        return f"{self.where} [{self.field}={shown!r}] → {self.status}"


def request(client, method, url, data=None):
    """One request in a savepoint rolled back afterwards; an exception counts as a 500.

    A redirect that carries an error message (a POST-only view refusing its form) is a
    refusal: it answers 400 here."""
    try:
        with transaction.atomic():
            try:
                if method == "get":
                    return client.get(url, data).status_code
                response = client.post(url, data)
                storage = getattr(response.wsgi_request, "_messages", None)  # none on a 400
                queued = getattr(storage, "_queued_messages", [])
                if response.status_code == 302 and any(m.level >= ERROR for m in queued):
                    return 400
                return response.status_code
            finally:
                transaction.set_rollback(True)
    except Exception as exc:
        return f"500 ({type(exc).__name__}: {str(exc)[:80]})"


def url_name(url: str) -> str:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return url
    return match.view_name


def pages(demo):
    for name in matrix.URL_NAMES:
        spec = matrix.URLS[name]
        if isinstance(spec, matrix.PostOnly):
            continue
        url = demo.url(name)
        if url:
            yield name, url


def fetch(demo, url):
    """The page as the first user who may see it: (client, response) or (None, None)."""
    for client in demo.clients.values():
        response = client.get(url)
        if response.status_code == 200:
            return client, response
    return None, None


@pytest.mark.long
def test_hostile_input_never_answers_500(demo, db, same_field_markup):
    started = time.monotonic()
    crashes: list[Finding] = []
    accepted: list[Finding] = []
    posted_forms = done = 0
    valid_baselines: list[str] = []
    invalid_baselines: list[str] = []
    seen_forms: set[tuple] = set()
    for name, url in pages(demo):
        client, response = fetch(demo, url)
        if response is None or not response.get("Content-Type", "").startswith("text/html"):
            continue
        fields = context_fields(response)
        parser = FormParser()
        parser.feed(response.content.decode())

        # query strings: the fixed hostile sets and the page's own GET form fields
        get_fields = [n for form in parser.forms if form.method == "get" for n in form.names]
        variants = [dict(q) for q in QUERY_HOSTILE]
        for i in range(2 if get_fields else 0):
            variant = {}
            for n in get_fields:
                kind = field_kind(fields[n]) if n in fields else "char"
                if kind:
                    variant[n] = QUERY_BY_KIND[kind][i]
            variants.append(variant)
        for variant in variants:
            status = request(client, "get", url, variant)
            done += 1
            if not isinstance(status, int) or status >= 500:
                crashes.append(
                    Finding(f"GET {name} {url}?{urlencode(variant)[:60]}", "*", "", status)
                )

        for form in parser.forms:
            if form.method != "post":
                continue
            target = form.action or url
            targets = [n for n in form.names if field_kind(fields.get(n)) in HOSTILE]
            key = (url_name(target), tuple(sorted(targets)))
            if not targets or key in seen_forms:
                continue
            seen_forms.add(key)
            posted_forms += 1
            base = baseline(form, fields)
            # A baseline the view accepts: the hostile value is then the only thing refused.
            if request(client, "post", target, base) in (301, 302, 303):
                valid_baselines.append(key[0])
            else:
                invalid_baselines.append(key[0])
                if os.environ.get("HOSTILE_DEBUG"):
                    with transaction.atomic():
                        r = client.post(target, base)
                        ctx_form = r.context and r.context.get("form")
                        print(
                            "BASELINE",
                            key[0],
                            r.status_code,
                            ctx_form.errors.as_data() if ctx_form else "",
                            {k: v for k, v in base.items() if k != "csrfmiddlewaretoken"},
                        )
                        transaction.set_rollback(True)
            for n in targets:
                for value in HOSTILE[field_kind(fields[n])]:
                    status = request(client, "post", target, {**base, n: value})
                    done += 1
                    finding = Finding(f"POST {key[0]} {target} (page {name})", n, value, status)
                    if not isinstance(status, int) or status >= 500:
                        crashes.append(finding)
                    elif status not in REFUSED:
                        accepted.append(finding)
    elapsed = time.monotonic() - started
    report = (
        f"{done} requests, {posted_forms} forms, {elapsed:.0f} s; "
        f"{len(crashes)} answered 500, {len(accepted)} accepted a hostile value"
    )
    report += f"; {len(valid_baselines)} forms accepted their baseline"
    print(report)
    if os.environ.get("HOSTILE_VERBOSE"):
        for f in crashes + accepted:
            print(f)
        print("baseline refused:", sorted(invalid_baselines))
    # Every form field the pages rendered, empty and with the hostile values' errors, has the
    # markup of crispy's template (tests/security/test_form_markup.py).
    from tests.security.test_form_markup import field_markup_differences

    with_errors = sum(1 for f, _plain, _ref in same_field_markup if f.errors)
    assert len(same_field_markup) > 1000 and with_errors > 100, (
        len(same_field_markup),
        with_errors,
    )
    assert not field_markup_differences(same_field_markup)
    assert not crashes, report + ":\n" + "\n".join(map(str, crashes))
    assert not accepted, report + ":\n" + "\n".join(map(str, accepted))
