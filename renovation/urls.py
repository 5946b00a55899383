from django.urls import path

from . import printing, views

app_name = "renovation"

urlpatterns = [
    path("", views.index, name="index"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path(
        "applications/<int:pk>/documents/<int:doc_pk>/",
        views.document_check,
        name="document_check",
    ),
    path(
        "applications/<int:pk>/review/<str:side>/",
        views.application_review,
        name="application_review",
    ),
    path(
        "applications/<int:pk>/government/",
        views.government_approval_add,
        name="government_approval_add",
    ),
    path("applications/<int:pk>/agreement/", views.agreement_sign, name="agreement_sign"),
    path("applications/<int:pk>/fees/", views.fee_payment, name="fee_payment"),
    path("applications/<int:pk>/permit/", views.permit_issue, name="permit_issue"),
    path("applications/<int:pk>/permit/print/", views.permit_print, name="permit_print"),
    path("applications/<int:pk>/passes/new/", views.worker_pass_add, name="worker_pass_add"),
    path("applications/<int:pk>/passes/print/", views.passes_print, name="passes_print"),
    path("applications/<int:pk>/entry/", views.entry_confirm, name="entry_confirm"),
    path("applications/<int:pk>/entry-notice/", views.entry_notice, name="entry_notice"),
    path("applications/<int:pk>/refund/", views.refund_request, name="refund_request"),
    path("applications/<int:pk>/refund/sign/", views.refund_sign, name="refund_sign"),
    path("applications/<int:pk>/refund/approve/", views.refund_approve, name="refund_approve"),
    path("applications/<int:pk>/refund/pay/", views.refund_pay, name="refund_pay"),
    path("applications/<int:pk>/refund/print/", views.refund_memo_print, name="refund_memo_print"),
    path("applications/<int:pk>/close/", views.application_close, name="application_close"),
    path("patrols/", views.patrol_today, name="patrol_today"),
    path("patrols/<int:pk>/", views.patrol_detail, name="patrol_detail"),
    path("applications/<int:pk>/patrol/<str:kind>/", views.patrol_add, name="patrol_add"),
    path("violations/", views.violation_list, name="violation_list"),
    path("violations/<int:pk>/", views.violation_detail, name="violation_detail"),
    path("violations/<int:pk>/call/<str:party>/", views.violation_call, name="violation_call"),
    path("violations/<int:pk>/sign/", views.violation_sign, name="violation_sign"),
    path("violations/<int:pk>/recheck/", views.violation_recheck, name="violation_recheck"),
    path("violations/<int:pk>/print/", views.violation_notice_print, name="violation_print"),
    path("violations/<int:pk>/fine/", views.fine_propose, name="fine_propose"),
    path("fines/<int:pk>/decide/", views.fine_decide, name="fine_decide"),
    path("applications/<int:pk>/violation/", views.violation_add, name="violation_add"),
    path("applications/<int:pk>/hot-work/", views.hot_work_add, name="hot_work_add"),
    path("hot-work/<int:pk>/decide/", views.hot_work_decide, name="hot_work_decide"),
    path(
        "applications/<int:pk>/material-refusal/",
        views.material_refusal_add,
        name="material_refusal_add",
    ),
    path("applications/<int:pk>/completion/", views.completion_apply, name="completion_apply"),
    path(
        "applications/<int:pk>/reinspection/",
        views.reinspection_schedule,
        name="reinspection_schedule",
    ),
    path("inspections/<int:pk>/", views.inspection_record, name="inspection_record"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("register/", views.register, name="register"),
    path("lectures/", views.lecture_list, name="lecture_list"),
    path("lectures/new/", views.lecture_create, name="lecture_create"),
    path("lectures/<int:pk>/", views.lecture_detail, name="lecture_detail"),
    path(
        "lectures/<int:pk>/attendees/<int:attendee_pk>/remove/",
        views.lecture_attendee_remove,
        name="lecture_attendee_remove",
    ),
]

# Paper forms (R-DASH-3).
urlpatterns += [
    path("applications/<int:pk>/print/", printing.application_print, name="application_print"),
    path(
        "applications/<int:pk>/agreement/print/", printing.agreement_print, name="agreement_print"
    ),
    path(
        "applications/<int:pk>/completion/print/",
        printing.completion_print,
        name="completion_print",
    ),
]
