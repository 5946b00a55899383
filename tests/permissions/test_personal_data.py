"""Personal data on paper and in exports (R-X-5, R-DASH-3): every print view and every export
of the site, requested by every binjiang demo role without personal-data access
(``Role.can_view_personal_data`` false), must not contain a full mainland mobile number or
18-character ID number of the data; phones and ID numbers are masked exactly as on the screen.

The print views are the URL names containing "print" in the URL conf, so a new print view is
covered without touching this file; their URL kwargs come from the permission matrix
(``tests/permissions/test_matrix.py``), and a print view it cannot fill from the demo fails.
Every template that extends ``print_base.html`` must be rendered by one of these requests.
The exports are found by asking every page of the matrix for ``?format=csv`` as the superuser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client

from tests.permissions.test_matrix import (  # noqa: F401  (demo, in_demo are fixtures)
    OWN,
    URL_NAMES,
    URLS,
    Obj,
    Page,
    demo,
    in_demo,
)

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"1[3-9]\d{9}")
ID_NUMBER = re.compile(r"\d{17}[\dXx]")
# Numbers that are not a person's: a project's service line, a company's switchboard, staff
# and developer contacts (shown to colleagues by design).
NOT_PERSONAL = {"salesite.project", "salesite.company", "salesite.user", "salesite.contact"}

PRINT_URLS = [name for name in URL_NAMES if "print" in name.rpartition(":")[2]]


def personal_values() -> set[str]:
    """Every full mobile and ID number stored in a phone or ID-number field of the data."""
    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.label_lower in NOT_PERSONAL:
            continue
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.CharField):
                continue
            if not (f.name.endswith("phone") or f.name.endswith("id_number")):
                continue
            for value in model._default_manager.values_list(f.name, flat=True).distinct():
                value = (value or "").strip()
                if MOBILE.fullmatch(value) or ID_NUMBER.fullmatch(value):
                    found.add(value)
    return found


def roles_without_personal_data(built) -> list[str]:
    from salesite.access import can_view_personal_data
    from salesite.models import User

    project = built.projects[OWN]
    return [
        role
        for role in built.roles
        if not can_view_personal_data(User.objects.get(pk=built.users[role].pk), project)
    ]


def leaked(text: str, values: set[str]) -> list[str]:
    return sorted(v for v in values if v in text)


def print_templates() -> set[str]:
    """Names of the templates that extend print_base.html (the paper layouts)."""
    names = set()
    dirs = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    dirs += [Path(c.path) / "templates" for c in apps.get_app_configs()]
    for root in dirs:
        for path in root.rglob("*.html") if root.is_dir() else ():
            if "print_base.html" in path.read_text(encoding="utf-8").split("\n", 1)[0]:
                names.add(path.relative_to(root).as_posix())
    return names


# {{ x.phone }} or {{ x.phone|default:"" }}; form fields and the project's service line aside.
RAW_PERSONAL = re.compile(
    r"\{\{\s*(?!form\.)[\w.]*?(?<!service_)(phone|id_number)\s*(\}\}|\|(?!masked_))"
)


def all_templates() -> list[Path]:
    dirs = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    dirs += [Path(c.path) / "templates" for c in apps.get_app_configs()]
    return [p for root in dirs if root.is_dir() for p in root.rglob("*.html")]


def test_no_template_shows_a_phone_or_id_number_raw():
    """A template shows a phone or ID number through ``{% personal record "field" %}`` (or an
    always-masking filter), never as ``{{ record.phone }}``."""
    raw = [
        f"{path}: {m.group(0)}"
        for path in all_templates()
        for m in RAW_PERSONAL.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not raw, "personal data rendered without {% personal %}: " + "; ".join(raw)


def test_print_views_are_found_in_the_url_conf():
    assert len(PRINT_URLS) >= 18, PRINT_URLS
    assert {"renovation:permit_print", "handover:release_print"} <= set(PRINT_URLS)


def give_the_release_slip_a_company_head(project) -> None:
    """The demo's releases were confirmed with owners; the slip also shows the phone of a
    company head who confirmed a release of company staff: give the first one such a head."""
    from handover.models import ConfirmedWith, ItemRelease

    release = ItemRelease.objects.filter(project=project).order_by("pk").first()
    assert release is not None, "the demo has no item release"
    ItemRelease.objects.filter(pk=release.pk).update(
        confirmed_with=ConfirmedWith.COMPANY_HEAD,
        company_head_name="王总",
        company_head_phone="13900002222",
    )


def test_print_views_mask_personal_data_for_roles_without_it(in_demo):  # noqa: F811
    give_the_release_slip_a_company_head(in_demo.projects[OWN])
    values = personal_values()
    roles = roles_without_personal_data(in_demo)
    assert values and roles, "the demo has no personal data or no role without access to it"
    front_desk = in_demo.clients["front_desk"]  # may see personal data (R-X-5)
    unresolved, refused_to_all, leaks, rendered = [], [], {}, set()
    shown_in_full = 0
    for name in PRINT_URLS:
        assert isinstance(URLS[name], Obj | Page), f"{name}: classify it as a page in test_matrix"
        url = in_demo.url(name)
        if url is None:
            unresolved.append(name)
            continue
        ok = 0
        for role in roles:
            response = in_demo.clients[role].get(url)
            if response.status_code != 200:
                continue
            ok += 1
            rendered.update(t.name for t in response.templates if t.name)
            found = leaked(response.content.decode(), values)
            if found:
                leaks[f"{name} as {role}"] = found
        full = front_desk.get(url)
        rendered.update(t.name for t in full.templates if t.name)
        shown_in_full += len(leaked(full.content.decode(), values))
        if not ok:
            refused_to_all.append(name)
    assert not unresolved, f"print views without a demo object: {unresolved}"
    assert not leaks, f"full phone/ID numbers printed for roles without personal data: {leaks}"
    assert not refused_to_all, f"opened by no role without personal data: {refused_to_all}"
    # The scan is not vacuous: the printed records do carry personal data, shown in full to a
    # role that may see it.
    assert shown_in_full, "no print view shows any personal data even to the front desk"
    missing = sorted(print_templates() - rendered)
    assert not missing, f"print layouts no print URL rendered (give each a *_print URL): {missing}"


def test_exports_mask_personal_data_for_roles_without_it(in_demo):  # noqa: F811
    from salesite.models import User

    values = personal_values()
    roles = roles_without_personal_data(in_demo)
    admin = Client()
    admin.force_login(User.objects.filter(is_superuser=True).order_by("pk").first())
    exports = []
    for name in URL_NAMES:
        if not isinstance(URLS.get(name), Obj | Page):
            continue
        url = in_demo.url(name)
        if url is None:
            continue
        response = admin.get(url, {"format": "csv"})
        if response.get("Content-Type", "").startswith("text/csv"):
            exports.append(url)
    assert len(exports) >= 20, f"only {len(exports)} exports found: {exports}"
    shown_in_full, leaks = 0, {}
    for url in exports:
        response = admin.get(url, {"format": "csv"})
        shown_in_full += len(leaked(b"".join(response.streaming_content).decode(), values))
        for role in roles:
            response = in_demo.clients[role].get(url, {"format": "csv"})
            if response.status_code != 200 or not response.streaming:
                continue
            found = leaked(b"".join(response.streaming_content).decode(), values)
            if found:
                leaks[f"{url} as {role}"] = found
    assert shown_in_full, "no export carries personal data even for the superuser"
    assert not leaks, f"full phone/ID numbers exported for roles without personal data: {leaks}"
