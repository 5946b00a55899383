"""URLs of the contractor register (added to ``salesite.core_urls``, namespace "salesite")."""

from django.urls import path

from salesite import contractor_views as v

urlpatterns = [
    path("contractors/", v.contractor_list, name="contractor_list"),
    path("contractors/new/", v.contractor_create, name="contractor_create"),
    path("contractors/<int:pk>/", v.contractor_detail, name="contractor_detail"),
    path("contractors/<int:pk>/edit/", v.contractor_edit, name="contractor_edit"),
    path("contractors/<int:pk>/status/", v.contractor_status, name="contractor_status"),
    path(
        "contractors/<int:pk>/documents/new/",
        v.document_create,
        name="contractor_document_create",
    ),
    path(
        "contractors/<int:pk>/trainings/new/",
        v.training_create,
        name="contractor_training_create",
    ),
    path(
        "contractors/<int:pk>/evaluations/new/",
        v.evaluation_create,
        name="contractor_evaluation_create",
    ),
    path("contractor-documents/<int:pk>/", v.document_detail, name="contractor_document"),
    path(
        "contractor-documents/<int:pk>/edit/",
        v.document_edit,
        name="contractor_document_edit",
    ),
    path("contractor-trainings/<int:pk>/", v.training_detail, name="contractor_training"),
    path("competitions/", v.competition_list, name="competition_list"),
    path("competitions/new/", v.competition_create, name="competition_create"),
    path("competitions/<int:pk>/", v.competition_detail, name="competition_detail"),
    path(
        "competitions/<int:pk>/<slug:action>/",
        v.competition_action,
        name="competition_action",
    ),
]
