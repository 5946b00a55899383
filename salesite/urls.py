from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from salesite import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # The operations models' admin pages before the app had its own (a permanent redirect).
    path("admin/salesite/", include("operations.admin_redirects")),
    path("admin/", admin.site.urls),
    path("", include("salesite.dashboard.urls")),
    path("core/", include("salesite.core_urls")),
    path("ops/", include("operations.urls")),
    path("communication/", include("communication.urls")),
    path("handover/", include("handover.urls")),
    path("renovation/", include("renovation.urls")),
    path("feedback/", include("feedback.urls")),
    # Public: callback surveys answered by SMS link, no login (feedback/survey_urls.py).
    path("s/", include("feedback.survey_urls")),
    # Public: the handover venue screen by its secret link, no login (handover/venue_urls.py).
    path("venue/", include("handover.venue_urls")),
    path("core/owner-access/", include("owners.staff_urls")),
    # The owner portal (its own login; staff pages refuse owner sessions and vice versa).
    path("owner/", include("owners.urls")),
]
