"""The daily cleanup of the owner login's traces: codes older than a day are deleted, idle
numbers' guard rows are reset, a current lock and the last hour's limits are kept; the job is
idempotent and scheduled by a database beat entry."""

import datetime

import pytest
from django.utils import timezone

from owners.exceptions import Locked, Throttled, WrongCode
from owners.models import LoginCode, LoginGuard
from owners.services import login_records_clean, request_code, verify_code
from owners.tasks import owners_login_cleanup
from salesite.models import JobRun

from .conftest import last_code

pytestmark = pytest.mark.django_db

MOBILE = "13900000001"
OTHER = "13900000009"  # nobody's number: it leaves the same rows
T0 = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


def at(**delta):
    return T0 + datetime.timedelta(**delta)


def _age_guard(mobile, when):
    # updated_at is auto_now: set it the way a day without requests would leave it.
    LoginGuard.objects.filter(mobile=mobile).update(updated_at=when)


def test_codes_older_than_a_day_are_deleted_and_the_rest_kept(purchase):
    request_code(mobile=MOBILE, ip="10.0.0.1", now=at())
    old_code = last_code(MOBILE)
    verify_code(mobile=MOBILE, code=old_code, ip=None, now=at(seconds=30))  # a used one
    request_code(mobile=OTHER, ip="10.0.0.1", now=at(minutes=1))  # never sent, never used
    request_code(mobile=MOBILE, ip="10.0.0.1", now=at(hours=23))  # within the day

    counts = login_records_clean(now=at(days=1, minutes=2))

    assert counts["codes_deleted"] == 2
    assert list(LoginCode.objects.values_list("created_at", flat=True)) == [at(hours=23)]
    # The kept code still logs in: the cleanup removed nothing that is still needed.
    verify_code(mobile=MOBILE, code=last_code(MOBILE), ip=None, now=at(hours=23, minutes=1))


def test_the_cleanup_is_idempotent(purchase):
    request_code(mobile=MOBILE, ip=None, now=at())
    first = login_records_clean(now=at(days=2))
    second = login_records_clean(now=at(days=2))
    assert first["codes_deleted"] == 1
    assert second == {"codes_deleted": 0, "guards_reset": 0}
    assert not LoginCode.objects.exists()


def test_an_idle_number_is_reset_a_current_lock_is_kept(purchase):
    request_code(mobile=MOBILE, ip=None, now=at())
    for i in range(3):  # three wrong codes: not locked yet
        with pytest.raises(WrongCode):
            verify_code(mobile=MOBILE, code="abcdef", ip=None, now=at(seconds=i + 1))
    assert LoginGuard.objects.get(mobile=MOBILE).failures == 3
    _age_guard(MOBILE, at(seconds=5))

    # A number locked just now (five wrong codes) keeps its lock through the cleanup.
    request_code(mobile=OTHER, ip=None, now=at(days=1, hours=1))
    for i in range(5):
        with pytest.raises((WrongCode, Locked)):
            verify_code(mobile=OTHER, code="abcdef", ip=None, now=at(days=1, hours=1, seconds=i))
    # ... even when its row was last written more than a day before the job runs, as long as
    # the lock has not run out (a lock is 15 minutes; the row is aged by hand here).
    _age_guard(OTHER, at(seconds=1))

    counts = login_records_clean(now=at(days=1, hours=1, minutes=5))

    assert counts["guards_reset"] == 1
    assert not LoginGuard.objects.filter(mobile=MOBILE).exists()
    assert LoginGuard.objects.get(mobile=OTHER).locked_until > at(days=1, hours=1, minutes=5)
    with pytest.raises(Locked):
        request_code(mobile=OTHER, ip=None, now=at(days=1, hours=1, minutes=6))

    # The reset number starts again from zero: four wrong codes do not lock it.
    request_code(mobile=MOBILE, ip=None, now=at(days=1, hours=2))
    for i in range(4):
        with pytest.raises(WrongCode):
            verify_code(mobile=MOBILE, code="abcdef", ip=None, now=at(days=1, hours=2, seconds=i))
    assert LoginGuard.objects.get(mobile=MOBILE).failures == 4


def test_a_lock_that_ran_out_is_reset(purchase):
    LoginGuard.objects.create(mobile=MOBILE, failures=2, locked_until=at(minutes=15))
    _age_guard(MOBILE, at())
    assert login_records_clean(now=at(days=1, minutes=1))["guards_reset"] == 1
    assert not LoginGuard.objects.exists()


def test_the_hourly_limits_survive_the_cleanup(purchase):
    """The limits look back one hour; the job keeps a day of codes, so they still hold."""
    for i in range(5):
        request_code(mobile=MOBILE, ip=None, now=at(minutes=i * 2))
    login_records_clean(now=at(minutes=30))
    assert LoginCode.objects.count() == 5
    with pytest.raises(Throttled):
        request_code(mobile=MOBILE, ip=None, now=at(minutes=31))


def test_the_job_runs_under_its_lease_records_its_run_and_is_scheduled(purchase):
    from django_celery_beat.models import PeriodicTask

    request_code(mobile=MOBILE, ip=None, now=timezone.now() - datetime.timedelta(days=2))
    assert owners_login_cleanup.delay().get() == {"codes_deleted": 1, "guards_reset": 0}
    assert owners_login_cleanup.delay().get() == {"codes_deleted": 0, "guards_reset": 0}
    runs = JobRun.objects.filter(job_name="owners_login_cleanup", status=JobRun.Status.SUCCESS)
    assert runs.count() == 2
    entry = PeriodicTask.objects.get(task="owners.tasks.owners_login_cleanup")
    assert entry.enabled and entry.crontab.hour == "3"
    assert hasattr(owners_login_cleanup.run, "scheduled_job_name")
