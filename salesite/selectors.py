"""Reads of the core for views and dashboards: scoped, counted in SQL, no query per row."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from salesite.models import Customer, Project, Unit


def count_per_project(model):
    """A correlated COUNT of ``model`` rows of the outer project.

    One subquery per counted table, rather than Count() over two joined tables, which would
    multiply units by customers before counting (minutes on a 20k-unit project). COUNT(*),
    not COUNT(id): it is answered from the project index alone (an index-only scan), where
    COUNT(id) reads every row of the project from the table.
    """
    counts = (
        model.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def projects_for(user):
    """The projects the user sees, with their companies and unit and customer counts."""
    return (
        Project.objects.visible_to(user)
        .select_related("service_centre", "property_company", "developer_company")
        .annotate(unit_count=count_per_project(Unit), customer_count=count_per_project(Customer))
        .order_by("name")
    )
