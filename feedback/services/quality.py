"""Writes of defect feedback (R-FB-11) and loyalty: referrals and repeat purchases (R-FB-12)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.models import Purchase
from salesite.workflow import can_transition, refusal, transition

from ..exceptions import DomainError
from ..models import (
    AmbassadorPatrol,
    Referral,
    RepeatPurchase,
    RewardRule,
)
from ..selectors import active_reward

# --- defect feedback (R-FB-11) and loyalty (R-FB-12) ----------------------------------------


@transaction.atomic
def patrol_record(
    *,
    project,
    category: str,
    finding: str,
    user=None,
    building=None,
    area: str = "",
    patrolled_on: datetime.date | None = None,
) -> AmbassadorPatrol:
    """Record a finding of a customer ambassador's half-month patrol."""
    if not finding.strip():
        raise DomainError(_("请填写发现的问题。"))
    if building is not None and building.project_id != project.pk:
        raise DomainError(_("楼栋不属于该项目。"))
    if building is None and not area.strip():
        raise DomainError(_("请指定楼栋或区域。"))
    return AmbassadorPatrol.objects.create(
        project=project,
        ambassador=user,
        building=building,
        area=area.strip(),
        patrolled_on=patrolled_on or timezone.localdate(),
        category=category,
        finding=finding.strip(),
    )


@transaction.atomic
def referral_record(*, project, referrer, referred_name: str, referred_phone: str = "") -> Referral:
    """An owner refers a prospective buyer (R-FB-12). The referrer is an owner of any of our
    projects; the referral is recorded on the project the buyer is interested in."""
    if not referred_name.strip():
        raise DomainError(_("请填写被推荐人姓名。"))
    if not Purchase.objects.filter(customer=referrer, is_active=True).exists():
        raise DomainError(_("推荐人须为已购房的老业主。"))
    return Referral.objects.create(
        project=project,
        referrer=referrer,
        referred_name=referred_name.strip(),
        referred_phone=referred_phone.strip(),
    )


@transaction.atomic
def referral_mark_signed(*, referral: Referral, purchase, on: datetime.date | None = None):
    """The referred buyer signed: the active referral reward is granted to the referrer
    (default: one year of management fee waived)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not can_transition(referral, Referral.Status.SIGNED):
        raise refusal(referral, Referral.Status.SIGNED)  # "该推荐已成交。"
    if purchase.project_id != referral.project_id:
        raise DomainError(_("成交记录不属于该项目。"))
    if Referral.objects.filter(purchase=purchase).exists():
        raise DomainError(_("该成交记录已关联其他推荐。"))
    rule = active_reward(RewardRule.Kind.REFERRAL)
    referral.purchase = purchase
    referral.signed_on = on or purchase.signed_on or timezone.localdate()
    referral.reward_rule = rule
    referral.reward = rule.describe() if rule else ""
    transition(
        referral,
        Referral.Status.SIGNED,
        by=None,
        fields=["purchase", "signed_on", "reward_rule", "reward"],
    )
    return referral


@transaction.atomic
def repeat_purchase_record(*, purchase) -> RepeatPurchase:
    """Record a repeat purchase: the buyer (matched by ID number) bought from us before; the
    active repeat reward applies (default: 1 % discount)."""
    customer = purchase.customer
    if RepeatPurchase.objects.filter(purchase=purchase).exists():
        raise DomainError(_("该购房记录已登记为再次购房。"))
    previous = (
        Purchase.objects.filter(customer__id_number=customer.id_number)
        .exclude(pk=purchase.pk)
        .exclude(signed_on__gt=purchase.signed_on or timezone.localdate())
        .order_by("signed_on", "pk")
        .first()
        if customer.id_number
        else None
    )
    if previous is None:
        raise DomainError(_("未找到该客户以前的购房记录（按证件号码匹配）。"))
    rule = active_reward(RewardRule.Kind.REPEAT)
    return RepeatPurchase.objects.create(
        project_id=purchase.project_id,
        purchase=purchase,
        previous_purchase=previous,
        reward_rule=rule,
        discount_percent=rule.discount_percent if rule else None,
        reward=rule.describe() if rule else "",
    )
