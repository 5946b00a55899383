"""URLs of the contractor ranking (issue #16 item 4), included by ``feedback.urls`` under
``contractor-ranking/`` in the feedback namespace."""

from django.urls import path

from .views import ranking

urlpatterns = [
    path("", ranking.ranking, name="ranking"),
    path("decide/", ranking.ranking_decide, name="ranking_decide"),
    path("introduce/", ranking.ranking_introduce, name="ranking_introduce"),
]
