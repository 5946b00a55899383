"""Salesite core: settings, URLs, the Celery app, and the core domain.

Requirement ids (R-…) cited in the modules are listed in docs/requirements.md.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
