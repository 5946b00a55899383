"""What the operations models share: the user model, the open phases of a sales site, the
immutable-record error and the queryset of rows shared by every project."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from salesite.exceptions import DomainError
from salesite.models.scoping import ProjectScopedQuerySet

USER = settings.AUTH_USER_MODEL

# A project's sales site is open to visitors in these marketing phases (R-CORE-5).
SITE_OPEN_PHASES = ("displaying", "opened", "sold_out")


class ImmutableRecord(DomainError):
    """A filed (备案) record was about to be changed."""


class GlobalOrProjectQuerySet(ProjectScopedQuerySet):
    """Rows with no project are shared by every project and visible to everyone."""

    def visible_to(self, user):
        from salesite.access import visible_project_ids

        ids = visible_project_ids(user)
        if ids is None:
            return self
        return self.filter(Q(project__isnull=True) | Q(project__in=ids))

    def for_project(self, project):
        return self.filter(Q(project__isnull=True) | Q(project=project))
