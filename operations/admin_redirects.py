"""The admin pages of the operations models moved from /admin/salesite/<model>/ to
/admin/operations/<model>/ with the app (issue 13): the old addresses (bookmarks, links in
mails) answer with a permanent redirect to the new ones, query string kept."""

from django.http import HttpResponsePermanentRedirect
from django.urls import re_path

MOVED_MODELS = (
    "sitearea|shift|servicepost|rosterentry|servicecategory|servicetype|serviceplan|"
    "serviceplanservice|serviceplanhistory|trainingsession|trainingattendance|marketingevent|"
    "eventchecklistitem|eventhistory|inspectionchecklist|inspectionitem|inspection|"
    "inspectionscore|rectificationitem"
)


def moved(request, model, rest):
    query = request.META.get("QUERY_STRING", "")
    url = f"/admin/operations/{model}/{rest}" + (f"?{query}" if query else "")
    return HttpResponsePermanentRedirect(request.build_absolute_uri(url))


urlpatterns = [re_path(rf"^(?P<model>{MOVED_MODELS})/(?P<rest>.*)$", moved)]
