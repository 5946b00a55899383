from django.urls import path

from . import views

app_name = "handover"

urlpatterns = [
    path("", views.index, name="index"),
]
