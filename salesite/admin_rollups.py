"""Django admin of the dashboard's daily rollups (salesite.rollups): read-only lists. The
rows are recomputed by the nightly job or ``manage.py recompute_daily_figures``, never edited."""

from django.contrib import admin

from salesite import access
from salesite.models import DailyFigure, DailyFigureDay, FigureVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DailyFigure)
class DailyFigureAdmin(ReadOnlyAdmin):
    list_display = ["day", "metric", "key", "project", "value"]
    list_filter = ["metric", "day"]
    search_fields = ["metric", "key", "project__name"]
    list_select_related = ["project"]
    date_hierarchy = "day"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = access.visible_project_ids(request.user)
        return qs if ids is None else qs.filter(project_id__in=ids)


@admin.register(DailyFigureDay)
class DailyFigureDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "metric", "computed_at"]
    list_filter = ["metric", "day"]
    search_fields = ["metric"]
    date_hierarchy = "day"


@admin.register(FigureVersion)
class FigureVersionAdmin(ReadOnlyAdmin):
    """The tokens that say when a dashboard computed earlier may be shown again
    (salesite.figure_versions); replaced by every write, never edited."""

    list_display = ["scope", "token", "changed_at"]
    list_filter = ["changed_at"]
    search_fields = ["scope"]
    date_hierarchy = "changed_at"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = access.visible_project_ids(request.user)
        return qs if ids is None else qs.filter(scope__in=[f"p:{pk}" for pk in ids])
