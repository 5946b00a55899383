"""The owner portal, mounted at /owner/."""

from django.urls import path

from . import views

app_name = "owners"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/code/", views.login_verify, name="login_verify"),
    path("logout/", views.logout, name="logout"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
]
