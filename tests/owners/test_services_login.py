"""The owner's SMS-code login: every limit of issue 14 (6 digits, 5 minutes, single use,
60 s between codes, 5 per number and 20 per IP per hour, 5 wrong codes lock 15 minutes) and
the same treatment of unknown numbers."""

import datetime

import pytest
from django.utils import timezone

from owners.exceptions import AccessDisabled, InvalidMobile, Locked, Throttled, WrongCode
from owners.models import LoginCode, LoginGuard, OwnerAccess
from owners.services import normalize_mobile, request_code, set_access, verify_code
from owners.services.login import code_hash
from salesite.models import OutboundMessage

from .conftest import last_code

pytestmark = pytest.mark.django_db

MOBILE = "13900000001"
T0 = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


def at(seconds=0, minutes=0):
    return T0 + datetime.timedelta(seconds=seconds, minutes=minutes)


def test_code_is_six_digits_sent_by_sms_and_stored_only_as_hmac(purchase):
    request_code(mobile=MOBILE, ip="10.0.0.1", now=at())
    code = last_code(MOBILE)
    assert len(code) == 6 and code.isdigit()
    row = LoginCode.objects.get()
    assert row.sent and row.code_hash == code_hash(MOBILE, code)
    assert code not in row.code_hash
    assert row.expires_at == at(minutes=5)


def test_a_good_code_logs_in_once_and_records_the_login(purchase):
    request_code(mobile=MOBILE, ip="10.0.0.1", now=at())
    code = last_code(MOBILE)
    verify_code(mobile=MOBILE, code=code, ip="10.0.0.9", now=at(seconds=30))
    access = OwnerAccess.objects.get(mobile=MOBILE)
    assert access.last_login_at == at(seconds=30)
    assert access.last_login_ip == "10.0.0.9"
    assert LoginCode.objects.get().used_at == at(seconds=30)
    with pytest.raises(WrongCode):  # single use
        verify_code(mobile=MOBILE, code=code, ip="10.0.0.9", now=at(seconds=40))


def test_a_code_expires_after_five_minutes(purchase):
    request_code(mobile=MOBILE, ip=None, now=at())
    code = last_code(MOBILE)
    with pytest.raises(WrongCode):
        verify_code(mobile=MOBILE, code=code, ip=None, now=at(minutes=5, seconds=1))
    assert OwnerAccess.objects.filter(mobile=MOBILE, last_login_at__isnull=False).count() == 0


def test_one_code_per_number_per_60_seconds(purchase):
    request_code(mobile=MOBILE, ip=None, now=at())
    with pytest.raises(Throttled):
        request_code(mobile=MOBILE, ip=None, now=at(seconds=59))
    assert LoginCode.objects.count() == 1
    request_code(mobile=MOBILE, ip=None, now=at(seconds=61))
    assert LoginCode.objects.count() == 2


def test_at_most_five_codes_per_number_per_hour(purchase):
    for i in range(5):
        request_code(mobile=MOBILE, ip=None, now=at(minutes=2 * i))
    with pytest.raises(Throttled):
        request_code(mobile=MOBILE, ip=None, now=at(minutes=30))
    assert LoginCode.objects.count() == 5
    request_code(mobile=MOBILE, ip=None, now=at(minutes=60, seconds=1))  # the first left the hour
    assert LoginCode.objects.count() == 6


def test_at_most_twenty_codes_per_ip_per_hour(db):
    for i in range(20):
        request_code(mobile=f"1380000{i:04d}", ip="10.0.0.7", now=at(seconds=i))
    with pytest.raises(Throttled):
        request_code(mobile="13811112222", ip="10.0.0.7", now=at(minutes=10))
    request_code(mobile="13811112222", ip="10.0.0.8", now=at(minutes=10))  # another IP
    assert LoginCode.objects.filter(ip="10.0.0.7").count() == 20


def test_five_wrong_codes_lock_the_number_for_15_minutes(purchase):
    request_code(mobile=MOBILE, ip=None, now=at())
    code = last_code(MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    for i in range(4):
        with pytest.raises(WrongCode):
            verify_code(mobile=MOBILE, code=wrong, ip=None, now=at(seconds=10 + i))
    with pytest.raises(Locked):  # the fifth
        verify_code(mobile=MOBILE, code=wrong, ip=None, now=at(seconds=20))
    assert LoginGuard.objects.get(mobile=MOBILE).locked_until == at(seconds=20, minutes=15)
    assert LoginCode.objects.get().attempts == 5
    with pytest.raises(Locked):  # even the right code
        verify_code(mobile=MOBILE, code=code, ip=None, now=at(minutes=2))
    with pytest.raises(Locked):  # and no new code
        request_code(mobile=MOBILE, ip=None, now=at(minutes=3))
    request_code(mobile=MOBILE, ip=None, now=at(minutes=15, seconds=21))
    verify_code(mobile=MOBILE, code=last_code(MOBILE), ip=None, now=at(minutes=16))
    assert LoginGuard.objects.get(mobile=MOBILE).failures == 0


def test_a_success_resets_the_wrong_code_count(purchase):
    request_code(mobile=MOBILE, ip=None, now=at())
    for i in range(4):
        with pytest.raises(WrongCode):
            verify_code(mobile=MOBILE, code="abcdef", ip=None, now=at(seconds=i + 1))
    verify_code(mobile=MOBILE, code=last_code(MOBILE), ip=None, now=at(seconds=10))
    assert LoginGuard.objects.get(mobile=MOBILE).failures == 0


def test_unknown_number_gets_the_same_rows_and_no_sms(purchase):
    unknown = "13712345678"
    request_code(mobile=unknown, ip="10.0.0.1", now=at())
    request_code(mobile=MOBILE, ip="10.0.0.1", now=at())
    known_row = LoginCode.objects.get(mobile=MOBILE)
    unknown_row = LoginCode.objects.get(mobile=unknown)
    assert (unknown_row.sent, known_row.sent) == (False, True)
    assert LoginGuard.objects.filter(mobile__in=[unknown, MOBILE]).count() == 2
    assert not OutboundMessage.objects.filter(recipient=unknown).exists()
    # The same limits apply: a second code within 60 s is refused for both.
    for mobile in (unknown, MOBILE):
        with pytest.raises(Throttled):
            request_code(mobile=mobile, ip="10.0.0.1", now=at(seconds=5))
    # Guessing the unknown number's code never logs in (and counts towards its lock).
    with pytest.raises(WrongCode):
        verify_code(mobile=unknown, code="123456", ip=None, now=at(seconds=6))
    assert not OwnerAccess.objects.filter(mobile=unknown, last_login_at__isnull=False).exists()


def test_disabled_access_gets_no_code_and_cannot_log_in(purchase, member):
    staff = member("front_desk", purchase.unit.project)
    request_code(mobile=MOBILE, ip=None, now=at())
    code = last_code(MOBILE)
    set_access(mobile=MOBILE, disabled=True, by=staff, reason="手机遗失")
    with pytest.raises(AccessDisabled):
        verify_code(mobile=MOBILE, code=code, ip=None, now=at(seconds=30))
    request_code(mobile=MOBILE, ip=None, now=at(minutes=2))
    assert LoginCode.objects.order_by("-created_at").first().sent is False
    assert OutboundMessage.objects.filter(recipient=MOBILE).count() == 1
    assert OwnerAccess.objects.get(mobile=MOBILE).last_login_at is None


def test_a_tenant_may_log_in_a_former_tenant_may_not(db):
    from tests import factories as f

    current = f.TenantFactory(phone="13600000001")
    f.TenantFactory(phone="13600000002", lease_end=timezone.localdate() - datetime.timedelta(1))
    request_code(mobile=current.phone, ip=None, now=at())
    request_code(mobile="13600000002", ip=None, now=at())
    assert dict(LoginCode.objects.values_list("mobile", "sent")) == {
        "13600000001": True,
        "13600000002": False,
    }


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("139 0000 0001", "13900000001"),
        ("+8613900000001", "13900000001"),
        ("139-0000-0001", "13900000001"),
    ],
)
def test_mobile_numbers_are_normalised(raw, clean):
    assert normalize_mobile(raw) == clean


@pytest.mark.parametrize("raw", ["", "1390000000", "23900000001", "139000000011", "abc"])
def test_invalid_mobile_numbers_are_refused(raw):
    with pytest.raises(InvalidMobile):
        normalize_mobile(raw)


def test_now_defaults_to_the_clock(purchase):
    request_code(mobile=MOBILE, ip=None)
    assert LoginCode.objects.get().created_at <= timezone.now()
