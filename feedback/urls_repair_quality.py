"""URLs of repair quality (issue #16 items 5, 7, 8), included by ``feedback.urls`` under
``repair-quality/`` in the feedback namespace. Each library has its own URL names (its
``library`` argument is fixed), so the permission matrix checks both."""

from django.urls import path

from .views import repair_library as library
from .views import repair_quality as quality

urlpatterns = [
    path("", quality.fix_rate, name="rq_fix_rate"),
    path("targets/", quality.targets, name="rq_targets"),
    path("targets/new/", quality.target_create, name="rq_target_create"),
    path("targets/<int:pk>/edit/", quality.target_edit, name="rq_target_edit"),
    path(
        "design-from-case/<int:pk>/",
        quality.design_entry_from_case,
        name="rq_design_from_case",
    ),
    path("supervisors/", library.supervisor_list, name="rq_supervisor_list"),
    path("supervisors/new/", library.supervisor_create, name="rq_supervisor_create"),
    path("supervisors/<int:pk>/", library.supervisor_detail, name="rq_supervisor_detail"),
    path("training/new/", library.training_create, name="rq_training_create"),
    path("compliance/", library.compliance, name="rq_compliance"),
]

for name, views in library.LIBRARY_VIEWS.items():
    urlpatterns += [
        path(f"library/{name}/", views["list"], name=f"rq_{name}_library"),
        path(f"library/{name}/new/", views["create"], name=f"rq_{name}_entry_create"),
        path(f"library/{name}/<int:pk>/", views["detail"], name=f"rq_{name}_entry"),
        path(f"library/{name}/<int:pk>/edit/", views["edit"], name=f"rq_{name}_entry_edit"),
    ]
