"""Public URLs of the feedback app: the callback survey answered by SMS link (no login).

Included at /s/ from salesite/urls.py, outside the staff URL space; the name has no namespace
so that the address in the SMS stays short (``survey_answer``)."""

from django.urls import path

from .views import survey_answer

urlpatterns = [
    path("<slug:token>/", survey_answer, name="survey_answer"),
]
