"""The one place where "who may see which rows" becomes a queryset filter (R-X-1).

Every project-owned model uses ``ProjectScopedQuerySet`` as its manager and names the path
to its project in ``project_lookup``; views obtain rows only through ``visible_to(user)``.
"""

from django.db import models


class ProjectScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        from salesite.access import visible_project_ids

        ids = visible_project_ids(user)
        if ids is None:  # HQ and superusers see everything
            return self
        lookup = getattr(self.model, "project_lookup", "project")
        return self.filter(**{f"{lookup}__in": ids})

    def permitted(self, user, perm: str):
        """Rows of the projects where the user's roles grant ``perm`` (e.g. a view permission)."""
        from salesite.access import permitted_project_ids

        qs = self.visible_to(user)
        ids = permitted_project_ids(user, perm)
        if ids is None:
            return qs
        lookup = getattr(self.model, "project_lookup", "project")
        return qs.filter(**{f"{lookup}__in": ids})

    def for_project(self, project):
        lookup = getattr(self.model, "project_lookup", "project")
        return self.filter(**{lookup: project})
