"""Every create form carries a one-time token (issue #12, item 9), found from the URL conf.

Each GET-able page of the permission matrix is fetched as a user who may use it; every POST
form on it whose target is a create view (a URL name with ``create``, ``new``, ``add`` or
``start``) must carry the hidden ``form_token`` that ``salesite.once`` claims."""

import re

import pytest

from salesite import once
from tests.security.test_hostile_input import FormParser, fetch, pages, url_name

pytestmark = pytest.mark.django_db

CREATE_NAME = re.compile(r":?[a-z_]*(create|new|add|start)[a-z_]*$")
# POST targets named like a create that create nothing a double click could duplicate.
NOT_CREATES = {
    "salesite:attachment_upload",  # an upload: a second copy is visible and removable
}


def is_create(name: str) -> bool:
    return bool(CREATE_NAME.search(name.split(":")[-1])) and name not in NOT_CREATES


def test_every_create_form_carries_a_one_time_token(demo):
    checked, missing = set(), set()
    for name, url in pages(demo):
        _client, response = fetch(demo, url)
        if response is None or not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = FormParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            target = url_name(form.action) if form.action else name
            if form.method != "post" or not is_create(target):
                continue
            checked.add(target)
            if once.FIELD not in form.names:
                missing.add(f"{target} (on {name})")
    assert len(checked) >= 30, f"too few create forms found: {sorted(checked)}"
    assert not missing, "create forms without a one-time token: " + ", ".join(sorted(missing))
    print(f"{len(checked)} create forms carry a token: {sorted(checked)}")
