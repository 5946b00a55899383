"""Dashboard snapshots (issue #17): committed writes replace their projects' tokens, a
dashboard is reused while its tokens are unchanged, and a change shows at once."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communication.models import Problem
from feedback.models import Case
from salesite import figure_versions
from salesite.models import FigureVersion, JobRun
from tests.dashboard.conftest import commit, days, problem

pytestmark = pytest.mark.django_db


def tokens():
    return dict(FigureVersion.objects.values_list("scope", "token"))


@pytest.fixture
def case(project):
    made = Case.objects.create(
        project=project, kind="repair", subject="漏水", received_at=timezone.now()
    )
    commit()
    return made


def test_a_committed_save_replaces_its_projects_token_and_no_other(
    case, project, other_project, django_capture_on_commit_callbacks
):
    commit()
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case.subject = "楼上漏水"
        case.save()
        assert figure_versions.has_pending_writes()
    assert len(callbacks) == 1
    after = tokens()
    assert after[f"p:{project.pk}"] != before.get(f"p:{project.pk}")
    assert after.get(f"p:{other_project.pk}") == before.get(f"p:{other_project.pk}")
    assert after.get("*") == before.get("*")
    assert not figure_versions.has_pending_writes()


def test_a_write_no_signal_announced_replaces_the_token_of_every_project(
    case, project, django_capture_on_commit_callbacks
):
    commit()
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True):
        Case.objects.filter(pk=case.pk).update(subject="楼上漏水")
    after = tokens()
    assert after["*"] != before.get("*")
    assert after.get(f"p:{project.pk}") == before.get(f"p:{project.pk}")


def test_a_related_row_loaded_with_the_instance_gives_the_project(
    case, project, django_capture_on_commit_callbacks
):
    from feedback.models import CaseEvent

    commit()
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True):
        # An event has no project of its own: the case it was made with gives it.
        CaseEvent.objects.create(case=case, from_status="new", to_status="dispatched")
    after = tokens()
    assert after[f"p:{project.pk}"] != before.get(f"p:{project.pk}")
    assert after.get("*") == before.get("*")
    assert figure_versions._project_of(Problem(project_id=None)) is None


def test_a_rolled_back_write_replaces_nothing(case, django_capture_on_commit_callbacks):
    commit()
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            case.subject = "楼上漏水"
            case.save()
            raise RuntimeError
        assert not figure_versions.has_pending_writes()
    assert callbacks == []
    assert tokens() == before


def test_rows_no_figure_counts_replace_nothing(case, django_capture_on_commit_callbacks):
    commit()
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        JobRun.objects.create(job_name="noop")
        assert not figure_versions.has_pending_writes()
    assert callbacks == []
    assert tokens() == before


def _figures(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboard:dashboard"), params)
    assert response.status_code == 200
    figures = {str(f.title): f.value for _g, rows in response.context["groups"] for f in rows}
    return figures, len(ctx.captured_queries)


def test_the_dashboard_is_reused_until_a_write_and_shows_the_change_at_once(
    member, project, client_for, today, django_capture_on_commit_callbacks
):
    user = member("cs_lead", project)
    problem(project, user, today + days(5))
    commit()
    client = client_for(user)
    first, computed = _figures(client)
    again, reused = _figures(client)
    assert again == first and first["待解决问题"] == 1
    assert reused <= computed - 15  # the providers' queries are not run again

    # A committed write: the next dashboard counts it.
    with django_capture_on_commit_callbacks(execute=True):
        problem(project, user, today + days(3))
    after_commit, queries = _figures(client)
    assert after_commit["待解决问题"] == 2 and queries == computed

    # A write not committed yet: this transaction's own dashboard counts it, and keeps nothing.
    problem(project, user, today + days(4))
    pending, _q = _figures(client)
    assert pending["待解决问题"] == 3
    _again, queries = _figures(client)
    assert queries > reused + 15  # computed again: nothing was kept
    # Changed without a signal (a queryset's update): every project's token changes.
    commit()
    _figures(client)
    with django_capture_on_commit_callbacks(execute=True):
        Problem.objects.filter(project=project).update(status=Problem.Status.RESOLVED)
    resolved, _q = _figures(client)
    assert resolved["待解决问题"] == 0


def test_a_snapshot_is_kept_per_scope_dates_and_language(member, project, client_for, today):
    user = member("cs_lead", project)
    problem(project, user, today - days(1))
    commit()
    client = client_for(user)
    zh, computed = _figures(client)
    assert zh["逾期问题"] == 1
    earlier, queries = _figures(client, date_to=(today - days(40)).isoformat())
    assert queries == computed  # other dates: computed, not the snapshot of the first
    assert earlier["逾期问题"] == 1  # the current state, whatever the dates
    client.cookies["django_language"] = "en"
    english, queries = _figures(client)
    assert queries == computed and "逾期问题" not in english


def test_snapshots_can_be_turned_off(member, project, client_for, today, settings):
    settings.DASHBOARD_SNAPSHOT_SECONDS = 0
    user = member("cs_lead", project)
    commit()
    client = client_for(user)
    _f, first = _figures(client)
    _f, second = _figures(client)
    assert first == second


STAFF_PAGES = [
    "/",
    "/my-work/",
    "/dashboard/",
    "/feedback/cases/",
    "/feedback/callbacks/",
    "/communication/problems/",
    "/communication/compliance/",
    "/handover/cases/",
    "/renovation/applications/",
    "/core/customers/",
]


@pytest.mark.parametrize("hq", [False, True], ids=["member", "hq"])
def test_reading_pages_replaces_no_token(member, project, client_for, today, hq):
    """Snapshots are only worth keeping if looking at pages writes nothing they depend on."""
    from tests import factories as f

    user = f.UserFactory(company=f.HQFactory()) if hq else member("cs_lead", project)
    problem(project, user, today)
    client = client_for(user)
    commit()
    for url in STAFF_PAGES:
        assert client.get(url).status_code == 200, url
        assert not figure_versions.has_pending_writes(), url


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writes_that_really_commit_show_at_once(member, project, client_for, today):
    """Outside a test's transaction: a statement in autocommit replaces its project's token
    at once, a transaction's writes when it commits."""
    user = member("cs_lead", project)
    problem(project, user, today + days(5))
    client = client_for(user)
    assert not figure_versions.has_pending_writes()
    first, computed = _figures(client)
    again, reused = _figures(client)
    assert again == first and reused <= computed - 15
    open_before = first["待解决问题"]

    before = tokens()
    problem(project, user, today + days(3))  # autocommit: committed statement by statement
    assert tokens()[f"p:{project.pk}"] != before.get(f"p:{project.pk}")
    after, _q = _figures(client)
    assert after["待解决问题"] == open_before + 1

    with transaction.atomic():
        problem(project, user, today + days(2))
        assert figure_versions.has_pending_writes()
        during = tokens()
    assert tokens()[f"p:{project.pk}"] != during[f"p:{project.pk}"]  # replaced at the commit
    last, _q = _figures(client)
    assert last["待解决问题"] == open_before + 2


def test_a_statement_that_changed_no_row_replaces_nothing(case, django_capture_on_commit_callbacks):
    """A job's ``update()`` that matches nothing (every minute, most of the time) keeps the
    snapshots."""
    commit()
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Case.objects.filter(pk=case.pk + 1000).update(subject="无")
        Case.objects.filter(pk=case.pk + 1000).delete()
        assert not figure_versions.has_pending_writes()
    assert callbacks == []
    assert tokens() == before
