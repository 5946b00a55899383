"""One-time create forms: a double-submitted create form creates one record (issue #12).

Every create form carries a hidden one-time token (``FIELD``; ``salesite.forms.OneTimeTokenMixin``
adds it). ``salesite.middleware.OneTimeFormMiddleware`` claims the token of a POST in one
transaction with the view: it inserts the token's row first, so that a second POST of the same
form waits on the unique index until the first has committed and then finds the token taken;
it answers with a redirect to the first submission's result. A submission that did not succeed
(the form came back with errors, the view failed) releases its token, so the corrected form
can be sent again. A POST without a token (an old page, a script) is handled as before.
"""

from __future__ import annotations

import datetime
import re
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from salesite.models import FormToken

FIELD = "form_token"
TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}$")
KEEP_FOR = datetime.timedelta(days=1)


def new_token() -> str:
    return uuid.uuid4().hex


def token_of(request) -> str | None:
    """The well-formed token of a POST, or None."""
    token = request.POST.get(FIELD, "")
    return token if TOKEN_PATTERN.match(token) else None


def claim(*, token: str, user) -> FormToken | None:
    """Claim ``token`` in the current transaction: None if this request now holds it, else the
    earlier claim (waiting, on PostgreSQL, until the request holding it has committed)."""
    try:
        with transaction.atomic():
            FormToken.objects.create(token=token, user=user)
    except IntegrityError:
        earlier = FormToken.objects.filter(token=token).first()
        return earlier or FormToken(token=token, user=user)
    return None


def settle(*, token: str, response) -> None:
    """Keep the claim of a successful submission (a redirect to its result), release the others."""
    location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
    if location:
        FormToken.objects.filter(token=token).update(result_url=location[:500])
    else:
        FormToken.objects.filter(token=token).delete()


def purge(*, now: datetime.datetime | None = None) -> int:
    """Delete tokens older than KEEP_FOR; a form open longer than that is sent as new."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _ = FormToken.objects.filter(created_at__lt=cutoff).delete()
    return deleted
