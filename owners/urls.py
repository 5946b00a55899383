"""The owner portal, mounted at /owner/."""

from django.urls import path

from . import views, views_booking, views_cases, views_pages, views_previews

app_name = "owners"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/code/", views.login_verify, name="login_verify"),
    path("logout/", views.logout, name="logout"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/sharing/", views_cases.unit_sharing, name="unit_sharing"),
    path("cases/", views_cases.case_list, name="cases"),
    path("cases/new/", views_cases.case_new, name="case_new"),
    path("cases/<int:pk>/", views_cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/confirm/", views_cases.case_confirm, name="case_confirm"),
    path("cases/<int:pk>/rate/", views_cases.case_rate, name="case_rate"),
    path("cases/<int:pk>/photos/<int:photo_pk>/", views_cases.case_photo, name="case_photo"),
    # 通知, 装修, 交房 (owners/views_pages.py)
    path("notices/", views_pages.notice_list, name="notice_list"),
    path("notices/<str:kind>/<int:pk>/", views_pages.notice_detail, name="notice_detail"),
    path("renovation/", views_pages.renovation_list, name="renovation_list"),
    path("renovation/<int:pk>/", views_pages.renovation_detail, name="renovation_detail"),
    path("renovation/files/<int:pk>/", views_pages.renovation_file, name="renovation_file"),
    path("handover/", views_pages.handover, name="handover"),
    path("handover/photos/<int:pk>/", views_pages.handover_photo, name="handover_photo"),
    path("handover/findings/", views_previews.preview_findings, name="preview_findings"),
    path(
        "handover/findings/photos/<int:pk>/",
        views_previews.preview_finding_photo,
        name="preview_finding_photo",
    ),
    path("handover/booking/<int:pk>/", views_booking.handover_booking, name="handover_booking"),
    path("handover/check-in/", views_booking.handover_check_in, name="handover_check_in"),
]
