"""``{% memo %}`` (salesite_tags): the navigation of base.html is rendered once per process for
each namespace, staff flag, language and URL conf, and reused (issue #17)."""

import pytest
from django.template import engines
from django.test import RequestFactory, override_settings
from django.urls import resolve
from django.utils import translation

from tests import factories as f

NAV_START = '<ul class="navbar-nav me-auto">'


def nav(html: str) -> str:
    start = html.index(NAV_START)
    return html[start : html.index('<ul class="navbar-nav align-items-lg-center">', start)]


def render_base(user, path, language="zh-hans"):
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    with translation.override(language):
        return engines["django"].get_template("base.html").render({}, request)


def test_memo_keys_on_its_values_and_the_language():
    template = engines["django"].from_string(
        "{% load i18n salesite_tags %}{% memo a %}{{ a }}-{{ b }}-{% translate '退出' %}{% endmemo %}"
    )
    assert template.render({"a": 1, "b": "x"}) == "1-x-退出"
    # Same key: the first rendering (b is not a key, so the fragment must not depend on it).
    assert template.render({"a": 1, "b": "y"}) == "1-x-退出"
    assert template.render({"a": 2, "b": "y"}) == "2-y-退出"
    with translation.override("en"):
        assert template.render({"a": 1, "b": "z"}).startswith("1-z-")


@pytest.mark.django_db
def test_base_navigation_follows_the_section_the_staff_flag_and_the_language():
    staff = f.UserFactory(is_staff=True)
    clerk = f.UserFactory()
    cases = nav(render_base(clerk, "/feedback/cases/"))
    assert 'nav-link active" href="/feedback/"' in cases
    assert 'nav-link active" href="/dashboard/"' not in cases
    work = nav(render_base(clerk, "/dashboard/"))
    assert 'nav-link active" href="/dashboard/"' in work
    assert 'nav-link active" href="/feedback/"' not in work
    assert "/admin/" not in nav(render_base(clerk, "/feedback/cases/"))
    assert "/admin/" in nav(render_base(staff, "/feedback/cases/"))
    assert "客户反馈" in nav(render_base(clerk, "/feedback/cases/"))
    english = nav(render_base(clerk, "/feedback/cases/", "en"))
    assert "客户反馈" not in english and 'href="/feedback/"' in english


@pytest.mark.django_db
@override_settings(FORCE_SCRIPT_NAME="/salesite/")
def test_base_navigation_follows_the_script_prefix():
    from django.urls import set_script_prefix

    set_script_prefix("/salesite/")
    try:
        html = nav(render_base(f.UserFactory(), "/feedback/cases/"))
    finally:
        set_script_prefix("/")
    assert 'href="/salesite/feedback/"' in html
