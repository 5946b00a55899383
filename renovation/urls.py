from django.urls import path

from . import views

app_name = "renovation"

urlpatterns = [
    path("", views.index, name="index"),
]
