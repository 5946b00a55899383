"""Content-Security-Policy (issue 12, item 13a): every response carries the policy, and no page
has an inline script, an inline event handler, a javascript: URL or an inline style, which the
policy would block (so the page would silently lose its behaviour).

Two scans: the template sources of the project, and the rendered pages of a crawl of the demo
as the superuser (one page per URL route: every parameterless page, then the first link to
each other route found on them, two levels deep: lists → records → print views), plus the
login page and Django admin.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from tests import demo_snapshot, module_db

ROOT = Path(__file__).resolve().parents[2]

INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE
)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"(href|src|action|formaction)\s*=\s*[\"']?\s*javascript:", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    found = []
    for name, pattern in [
        ("inline script", INLINE_SCRIPT),
        ("event handler", EVENT_HANDLER),
        ("javascript: URL", JAVASCRIPT_URL),
        ("inline style", INLINE_STYLE),
    ]:
        found += [f"{name}: {m.group(0)[:120]}" for m in pattern.finditer(html)]
    return found


def test_the_scan_finds_what_it_looks_for():
    assert inline_code('<script>alert(1)</script><script src="/a.js"></script>') == [
        "inline script: <script>"
    ]
    assert inline_code('<button class="x" onclick="go()">') != []
    assert inline_code('<select onchange="this.form.submit()">') != []
    assert inline_code('<a href="javascript:history.back()">') != []
    assert inline_code('<td style="width: 20%">') != []
    assert inline_code("<style>body{}</style>") != []
    assert inline_code('<script id="d" type="application/json">{"a": 1}</script>') == []
    assert inline_code('<p data-action="print">打印 onclick</p>') == []


def test_no_template_has_inline_code():
    templates = [
        path
        for pattern in ("templates/**/*.html", "*/templates/**/*.html", "*/*/templates/**/*.html")
        for path in ROOT.glob(pattern)
        if ".venv" not in path.parts
    ]
    assert len(templates) > 100
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in templates
        if (found := inline_code(path.read_text()))
    }
    assert offenders == {}


def test_policy_is_strict():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]


# --- the rendered pages ----------------------------------------------------------------------

SKIP = ("/admin/", "/i18n/", "/static/", "/accounts/logout", "/core/attachments/")
APP_NAMESPACES = {"salesite", "dashboard", "ops", "communication", "handover", "renovation"}
APP_NAMESPACES |= {"feedback", None}


def parameterless_paths() -> list[str]:
    paths = []

    def walk(patterns, prefix):
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if p.namespace in APP_NAMESPACES or p.namespace is None:
                    walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern) and "<" not in route and not route.startswith("^"):
                paths.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return [p for p in sorted(set(paths)) if not p.startswith(SKIP)]


def route_of(path: str) -> str | None:
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return None
    return match.route


LINK = re.compile(r'href="(/[^"#]*)"')


@pytest.fixture(scope="module")
def crawl(django_db_setup, django_db_blocker):
    """GET responses of the crawl, by path; the demo is rolled back at the end."""
    with module_db.rolled_back(django_db_blocker):
        demo_snapshot.seed_demo()
        from salesite.models import User

        c = Client()
        c.force_login(User.objects.get(username="admin"))
        pages = {}
        seen_routes = set()
        frontier = parameterless_paths()
        for _depth in range(3):
            found = []
            for path in frontier:
                route = route_of(path)
                if route is None or route in seen_routes or path.startswith(SKIP):
                    continue
                if "format=" in path or "export" in path:
                    continue
                seen_routes.add(route)
                response = c.get(path)
                pages[path] = response
                if response.status_code == 302:
                    found.append(response.url)
                elif response.status_code == 200 and "html" in response["Content-Type"]:
                    found += [
                        link.replace("&amp;", "&")
                        for link in LINK.findall(response.content.decode())
                    ]
            frontier = found
        for path in [
            "/admin/",
            "/admin/salesite/customer/",
            "/admin/django_celery_beat/periodictask/add/",
        ]:
            pages[path] = c.get(path)
        pages["/accounts/login/"] = Client().get("/accounts/login/")
        yield pages


@pytest.fixture
def pages(crawl, db):
    """The crawl's responses; `db` makes pytest-django set the test database up first."""
    return crawl


def test_crawl_reaches_the_main_pages_and_print_views(pages):
    ok = [path for path, r in pages.items() if r.status_code == 200]
    for expected in [
        "/dashboard/",
        "/accounts/login/",
        "/admin/salesite/customer/",
        "/communication/",
        "/handover/",
        "/renovation/applications/",
        "/feedback/",
        "/ops/roster/",
        "/core/customers/",
    ]:
        assert expected in ok, expected
    prints = [path for path in ok if path.split("?")[0].endswith("/print/")]
    assert len(prints) >= 12, prints
    assert len(ok) > 100


def test_no_page_errs(pages):
    assert {p: r.status_code for p, r in pages.items() if r.status_code >= 500} == {}


def test_every_page_has_the_policy_and_no_inline_code(pages):
    offenders = {}
    for path, response in pages.items():
        policy = response.get("Content-Security-Policy", "")
        if "script-src 'self'" not in policy or "unsafe-inline" in policy:
            offenders[path] = f"policy: {policy!r}"
        elif "html" in response.get("Content-Type", ""):
            found = inline_code(response.content.decode())
            if found:
                offenders[path] = found
    assert offenders == {}


def test_pages_load_their_behaviour_from_static_files(pages):
    assert "js/salesite.js" in pages["/core/customers/"].content.decode()
    dashboard = pages["/dashboard/"].content.decode()
    assert "js/dashboard.js" in dashboard and 'id="dashboard-charts"' in dashboard
    assert '"includeIndicatorStyles": false' in dashboard
    assert "js/periodic_task_admin.js" in (
        pages["/admin/django_celery_beat/periodictask/add/"].content.decode()
    )


def test_policy_header_on_error_and_anonymous_pages(db):
    for response in [Client().get("/no-such-page/"), Client().get("/accounts/password/reset/")]:
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
