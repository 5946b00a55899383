"""Views of the communication app."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from salesite.models import Project


@login_required
def index(request):
    projects = Project.objects.visible_to(request.user).select_related("service_centre")
    return render(request, "communication/index.html", {"projects": projects})
