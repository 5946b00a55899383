from django.urls import path

from . import views

app_name = "communication"

urlpatterns = [
    path("", views.index, name="index"),
    path("records/", views.record_list, name="record_list"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/new/<int:project_pk>/", views.record_create_for, name="record_create_for"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<int:pk>/print/", views.record_print, name="record_print"),
    path("records/<int:pk>/acknowledge/", views.record_acknowledge, name="record_acknowledge"),
    path("reports/", views.report_list, name="report_list"),
    path("problems/", views.problem_list, name="problem_list"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/resolve/", views.problem_resolve, name="problem_resolve"),
    path("problems/<int:pk>/escalate/", views.problem_escalate, name="problem_escalate"),
    path(
        "problems/<int:pk>/escalate-now/", views.problem_escalate_now, name="problem_escalate_now"
    ),
    path("problems/<int:pk>/reassign/", views.problem_reassign, name="problem_reassign"),
    path("compliance/", views.compliance, name="compliance"),
]
