"""Staff enable or disable a mobile number's portal access (e.g. a lost phone)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import OwnerAccess


@transaction.atomic
def set_access(*, mobile: str, disabled: bool, by, reason: str = "") -> OwnerAccess:
    """Disable (with a reason) or re-enable the portal for ``mobile``; an owner already logged
    in is refused at their next request (owners.sessions.owner_view re-reads it)."""
    OwnerAccess.objects.get_or_create(mobile=mobile)
    access = OwnerAccess.objects.select_for_update().get(mobile=mobile)
    access.is_disabled = disabled
    access.disabled_reason = reason[:200] if disabled else ""
    access.changed_by = by
    access.changed_at = timezone.now()
    access.save(update_fields=["is_disabled", "disabled_reason", "changed_by", "changed_at"])
    return access
