from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("my-work/", views.my_work, name="my_work"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
