"""URLs of the signatures on the tablet, included in ``handover.urls`` (its namespace)."""

from django.urls import path

from .views import signatures as views

urlpatterns = [
    path(
        "cases/<int:pk>/sign/<slug:document>/<slug:role>/",
        views.signature_sign,
        name="signature_sign",
    ),
    path(
        "cases/<int:pk>/signatures/<slug:document>/void/",
        views.signature_void,
        name="signature_void",
    ),
    path("cases/<int:pk>/safety/print/", views.safety_print, name="safety_print"),
]
