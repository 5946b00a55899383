"""Staff actions on owners' portal access, mounted at /core/owner-access/ (staff URLs)."""

from django.urls import path

from . import staff_views

app_name = "owners_staff"

urlpatterns = [
    path("customers/<int:pk>/", staff_views.access_toggle, name="access_toggle"),
]
