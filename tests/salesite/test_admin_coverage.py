"""Every concrete model of our apps can be seen in Django admin: registered itself, or shown
as an inline of a registered admin (issue 13: the history rows are inlines of their record)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from salesite.admin import StatusHistoryInline
from salesite.services import project_change_phase
from tests.factories import ProjectFactory, UserFactory

OUR_APPS = ["salesite", "operations", "communication", "handover", "renovation", "feedback"]

EXEMPT = {
    # One-time anti-double-submit tokens of the forms: nothing a person reads or edits.
    "salesite.FormToken": "one-time anti-double-submit tokens",
}

# The parents whose history is only an inline (StatusHistoryInline).
HISTORY_PARENTS = [
    "admin:operations_rectificationitem_changelist",
    "admin:handover_milestone_changelist",
    "admin:handover_rectificationitem_changelist",
]


def _shown_models() -> set:
    shown = set()
    for model, model_admin in admin.site._registry.items():
        shown.add(model)
        shown.update(inline.model for inline in model_admin.inlines)
    return shown


def test_every_model_of_our_apps_is_in_admin():
    shown = _shown_models()
    missing = [
        model._meta.label
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.abstract
        and not model._meta.proxy
        and model not in shown
        and model._meta.label not in EXEMPT
    ]
    assert missing == [], f"register these in admin or show them as an inline: {missing}"


def test_exemptions_are_real_models():
    for label in EXEMPT:
        assert apps.get_model(label) is not None


def test_history_inlines_are_read_only_status_history():
    histories = {
        inline.model._meta.label
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
        if issubclass(inline, StatusHistoryInline)
    }
    assert {
        "operations.RectificationHistory",
        "handover.MilestoneHistory",
        "handover.RectificationHistory",
        "salesite.ProjectPhaseChange",
    } <= histories


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", HISTORY_PARENTS)
def test_history_parents_changelists_answer(client, url_name):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.django_db
def test_project_page_shows_its_phase_history_read_only(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    project = ProjectFactory()
    project_change_phase(project=project, to_phase="displaying", user=user, note="样板房开放")
    client.force_login(user)
    response = client.get(reverse("admin:salesite_project_change", args=[project.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "样板房开放" in body
    assert 'name="phase_changes-0-note"' not in body  # read-only: no input for it
