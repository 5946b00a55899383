"""The bench's URL conf: the project's URLs plus the floor page (issue #17, item 1).

The floor is the cheapest page a logged-in user of this project can get: a view rendering
``base.html`` (navigation, context processors, middleware) with nothing else. The bench times
it first and prints every page's CPU p95 as a ratio to it, so the figures of one run compare
with each other whatever the machine's speed. It is served only under the bench.
"""

from bench_pages import FLOOR_URL
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from salesite.urls import urlpatterns as project_urlpatterns


@login_required
def floor(request):
    return render(request, "base.html", {})


urlpatterns = [path(FLOOR_URL.strip("/") + "/", floor), *project_urlpatterns]
