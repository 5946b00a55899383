"""The WSGI entry point (gunicorn salesite.wsgi). Production settings unless told otherwise:
a server started without DJANGO_SETTINGS_MODULE must not run with DEBUG on."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesite.settings.production")
application = get_wsgi_application()
