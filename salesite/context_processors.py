"""Values every page shell needs: the unread inbox count and the navigation."""

from django.conf import settings


def shell(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"unread_notifications": unread, "brand": settings.SALESITE_BRAND}
