from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    path("", views.index, name="index"),
    # areas, posts, shifts (R-CORE-3)
    path("areas/", views.area_list, name="area_list"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/<int:pk>/", views.area_detail, name="area_detail"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("areas/<int:area_pk>/posts/new/", views.post_create, name="post_create"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("shifts/", views.shift_list, name="shift_list"),
    path("shifts/new/", views.shift_create, name="shift_create"),
    path("shifts/<int:pk>/edit/", views.shift_edit, name="shift_edit"),
    # roster (R-CORE-5)
    path("roster/", views.roster_day, name="roster_day"),
    path("roster/all/", views.roster_list, name="roster_list"),
    path("roster/<int:project_pk>/<str:date>/add/", views.roster_add, name="roster_add"),
    path("roster/<int:project_pk>/<str:date>/copy/", views.roster_copy, name="roster_copy"),
    path("roster/entries/<int:pk>/delete/", views.roster_delete, name="roster_delete"),
    # catalogue (R-CORE-6)
    path("services/", views.service_type_list, name="service_type_list"),
    path("services/new/", views.service_type_create, name="service_type_create"),
    path("services/<int:pk>/edit/", views.service_type_edit, name="service_type_edit"),
    # service plan (R-CORE-7)
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/print/", views.plan_print, name="plan_print"),
    path("plans/<int:pk>/services/", views.plan_service_add, name="plan_service_add"),
    path(
        "plans/<int:pk>/services/<int:item_pk>/remove/",
        views.plan_service_remove,
        name="plan_service_remove",
    ),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/review/<str:decision>/", views.plan_review, name="plan_review"),
    path("plans/<int:pk>/revise/", views.plan_revise, name="plan_revise"),
    # training (R-CORE-8)
    path("training/", views.training_list, name="training_list"),
    path("training/new/", views.training_create, name="training_create"),
    path("training/<int:pk>/", views.training_detail, name="training_detail"),
    path("training/<int:pk>/edit/", views.training_edit, name="training_edit"),
    path("training/<int:pk>/print/", views.training_print, name="training_print"),
    path("training/<int:pk>/attendance/", views.attendance_save, name="attendance_save"),
    path(
        "training/<int:pk>/attendance/<int:item_pk>/remove/",
        views.attendance_remove,
        name="attendance_remove",
    ),
    path("staff/<int:user_pk>/training/", views.staff_training, name="staff_training"),
    # marketing events (R-CORE-9)
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/print/", views.event_print, name="event_print"),
    path("events/<int:pk>/outcome/", views.event_outcome, name="event_outcome"),
    path("events/<int:pk>/status/<str:to>/", views.event_transition, name="event_transition"),
    path("events/<int:pk>/checklist/", views.checklist_add, name="checklist_add"),
    path(
        "events/<int:pk>/checklist/<int:item_pk>/",
        views.checklist_toggle,
        name="checklist_toggle",
    ),
    # HQ inspections (R-CORE-11)
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/print/", views.inspection_print, name="inspection_print"),
    path("inspections/<int:pk>/scores/", views.inspection_scores, name="inspection_scores"),
    path("inspections/<int:pk>/complete/", views.inspection_complete, name="inspection_complete"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/edit/", views.rectification_edit, name="rectification_edit"),
    path("rectifications/<int:pk>/done/", views.rectification_done, name="rectification_done"),
    path(
        "rectifications/<int:pk>/verify/", views.rectification_verify, name="rectification_verify"
    ),
]
