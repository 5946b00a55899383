from django.urls import path

from . import views

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
]
