"""The owner's SMS-code login (issue 14, "Identity and access").

A code is 6 digits, valid 5 minutes, used once; only its HMAC (keyed with SECRET_KEY) is
stored. Limits: one code per number per 60 s, at most 5 per number and 20 per client IP per
hour; 5 wrong codes in a row lock the number for 15 minutes. A number that belongs to nobody
(or whose portal access is disabled) goes through the same steps and writes the same rows,
only the SMS is not queued, so the answer and its timing do not tell who is an owner.

Both functions serialise on the number's ``LoginGuard`` row (select_for_update), so two
requests at once cannot both pass a limit.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from enum import Enum

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.notifications import send_sms

from ..exceptions import AccessDisabled, InvalidMobile, Locked, Throttled, WrongCode
from ..models import LoginCode, LoginGuard, OwnerAccess
from ..selectors import has_persons

CODE_DIGITS = 6
CODE_TTL = datetime.timedelta(minutes=5)
RESEND_INTERVAL = datetime.timedelta(seconds=60)
PER_NUMBER_PER_HOUR = 5
PER_IP_PER_HOUR = 20
MAX_FAILURES = 5
LOCK_FOR = datetime.timedelta(minutes=15)
HOUR = datetime.timedelta(hours=1)
# The cleanup job keeps a day of codes (the limits look back one hour) and forgets the wrong
# codes of a number left alone for a day.
KEEP_FOR = datetime.timedelta(days=1)

MOBILE_RE = re.compile(r"^1\d{10}$")


def normalize_mobile(raw: str) -> str:
    """A mainland mobile number as stored on customers (11 digits), or InvalidMobile."""
    value = re.sub(r"[\s\-]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    if not MOBILE_RE.match(value):
        raise InvalidMobile
    return value


def code_hash(mobile: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"owners-login:{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def _guard(mobile: str) -> LoginGuard:
    """The number's guard row, locked for this transaction (created on first use, or again
    after the cleanup job deleted an idle one)."""
    return LoginGuard.objects.select_for_update().get_or_create(mobile=mobile)[0]


def _may_log_in(mobile: str) -> bool:
    """A customer or current tenant has this number and staff have not disabled it."""
    disabled = OwnerAccess.objects.filter(mobile=mobile, is_disabled=True).exists()
    return has_persons(mobile) and not disabled


@transaction.atomic
def request_code(*, mobile: str, ip: str | None, now=None) -> None:
    """Issue a code for ``mobile`` and queue its SMS when the number may log in.

    Raises Locked or Throttled (the same for known and unknown numbers); otherwise returns
    nothing, whether a message was sent or not."""
    now = now or timezone.now()
    guard = _guard(mobile)
    if guard.locked_until and guard.locked_until > now:
        raise Locked
    recent = LoginCode.objects.filter(mobile=mobile, created_at__gt=now - HOUR)
    if recent.filter(created_at__gt=now - RESEND_INTERVAL).exists():
        raise Throttled(_("验证码已发送，请 60 秒后再重新获取。"))
    if recent.count() >= PER_NUMBER_PER_HOUR:
        raise Throttled
    if ip and LoginCode.objects.filter(ip=ip, created_at__gt=now - HOUR).count() >= PER_IP_PER_HOUR:
        raise Throttled
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    send = _may_log_in(mobile)
    row = LoginCode.objects.create(
        mobile=mobile,
        code_hash=code_hash(mobile, code),
        created_at=now,
        expires_at=now + CODE_TTL,
        ip=ip,
        sent=send,
    )
    if send:
        send_sms(
            phone=mobile,
            body=_(
                "【业主服务】您的登录验证码为 %(code)s，5 分钟内有效。如非本人操作，请忽略本短信。"
            )
            % {"code": code},
            dedupe_key=f"owners:login:{row.pk}",
        )


class _Outcome(Enum):
    OK = "ok"
    LOCKED = "locked"
    WRONG = "wrong"
    DISABLED = "disabled"


def verify_code(*, mobile: str, code: str, ip: str | None, now=None) -> None:
    """Check a code for ``mobile``: returns when the owner may log in (the code is used up and
    the login recorded); raises Locked, WrongCode or AccessDisabled."""
    outcome = _verify(mobile=mobile, code=(code or "").strip(), ip=ip, now=now or timezone.now())
    if outcome is _Outcome.LOCKED:
        raise Locked
    if outcome is _Outcome.WRONG:
        raise WrongCode
    if outcome is _Outcome.DISABLED:
        raise AccessDisabled


@transaction.atomic
def _verify(*, mobile: str, code: str, ip: str | None, now) -> _Outcome:
    # Returns instead of raising: a wrong code must still commit its counters.
    guard = _guard(mobile)
    if guard.locked_until and guard.locked_until > now:
        return _Outcome.LOCKED
    row = (
        LoginCode.objects.select_for_update()
        .filter(mobile=mobile, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at", "-pk")
        .first()
    )
    known = has_persons(mobile)  # asked for every number: the same work either way
    matches = row is not None and hmac.compare_digest(row.code_hash, code_hash(mobile, code))
    if not matches or not known:
        if row is not None:
            row.attempts += 1
            row.save(update_fields=["attempts"])
        guard.failures += 1
        if guard.failures >= MAX_FAILURES:
            guard.failures = 0
            guard.locked_until = now + LOCK_FOR
            guard.save(update_fields=["failures", "locked_until", "updated_at"])
            return _Outcome.LOCKED
        guard.save(update_fields=["failures", "updated_at"])
        return _Outcome.WRONG
    row.used_at = now
    row.save(update_fields=["used_at"])
    guard.failures = 0
    guard.locked_until = None
    guard.save(update_fields=["failures", "locked_until", "updated_at"])
    access, _created = OwnerAccess.objects.select_for_update().get_or_create(mobile=mobile)
    if access.is_disabled:
        return _Outcome.DISABLED
    access.last_login_at = now
    access.last_login_ip = ip
    access.save(update_fields=["last_login_at", "last_login_ip"])
    return _Outcome.OK


@transaction.atomic
def login_records_clean(*, now=None) -> dict[str, int]:
    """The daily cleanup (idempotent): delete the codes older than a day (used, expired or
    never used; none of them still counts for a limit) and the guard rows of numbers idle for
    a day whose lock has run out, which resets their wrong-code count. A current lock stays."""
    now = now or timezone.now()
    cutoff = now - KEEP_FOR
    codes, _by_model = LoginCode.objects.filter(created_at__lt=cutoff).delete()
    guards, _by_model = (
        LoginGuard.objects.filter(updated_at__lt=cutoff).exclude(locked_until__gt=now).delete()
    )
    return {"codes_deleted": codes, "guards_reset": guards}
