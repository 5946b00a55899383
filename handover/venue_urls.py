"""Public URLs of the handover app: the venue screen by its secret link (no login).

Included at /venue/ from salesite/urls.py, outside the staff URL space (no namespace, like the
survey links)."""

from django.urls import path

from .views import venue

urlpatterns = [
    path("<str:token>/", venue.venue_screen, name="venue_screen"),
    path("<str:token>/board/", venue.venue_board, name="venue_board"),
    path("<str:token>/qr.svg", venue.venue_qr, name="venue_qr"),
    path("<str:token>/documents/<int:pk>/", venue.venue_document, name="venue_document"),
]
