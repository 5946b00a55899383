from django.urls import include, path

from . import printing, views
from .views import steps_staff

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/mine/", views.my_cases, name="my_cases"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/customer-search/", views.customer_search, name="customer_search"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/print/", printing.case_print, name="case_print"),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("customers/<int:pk>/timeline/", views.customer_timeline, name="customer_timeline"),
    *steps_staff.urlpatterns,
    path("callbacks/", views.callback_list, name="callback_list"),
    path("callbacks/reassign/", views.callback_reassign_bulk, name="callback_reassign_bulk"),
    path("callbacks/<int:pk>/", views.callback_detail, name="callback_detail"),
    path("callbacks/<int:pk>/reassign/", views.callback_reassign, name="callback_reassign"),
    path(
        "callbacks/<int:pk>/survey-link/",
        views.callback_survey_send,
        name="callback_survey_send",
    ),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/enter/", views.assessment_enter, name="assessment_enter"),
    path("assessment/<int:pk>/", views.assessment_checklist, name="assessment_checklist"),
    path("assessment/<int:pk>/reopen/", views.assessment_reopen, name="assessment_reopen"),
    path("assessment/<int:pk>/bsc/", views.assessment_bsc, name="assessment_bsc"),
    path("warranty/", views.warranty_list, name="warranty_list"),
    path("warranty/new/", views.warranty_create, name="warranty_create"),
    path("warranty/<int:pk>/", views.warranty_detail, name="warranty_detail"),
    path(
        "warranty/<int:pk>/channels/new/",
        views.warranty_channel_create,
        name="warranty_channel_create",
    ),
    path("club/events/", views.club_event_list, name="club_event_list"),
    path("club/events/new/", views.club_event_create, name="club_event_create"),
    path("club/events/<int:pk>/", views.club_event_detail, name="club_event_detail"),
    path("defects/", views.defect_report, name="defect_report"),
    path("defects/list/", views.defect_list, name="defect_list"),
    path("contractors/", views.contractor_ranking, name="contractor_ranking"),
    path("patrols/", views.patrol_list, name="patrol_list"),
    path("patrols/new/", views.patrol_create, name="patrol_create"),
    path("loyalty/", views.loyalty, name="loyalty"),
    path("loyalty/referrals/new/", views.referral_create, name="referral_create"),
    path("loyalty/referrals/<int:pk>/sign/", views.referral_sign, name="referral_sign"),
    path("loyalty/repeat/new/", views.repeat_purchase_create, name="repeat_purchase_create"),
    path("repair-quality/", include("feedback.urls_repair_quality")),
    path("contractor-ranking/", include("feedback.urls_ranking")),
]
