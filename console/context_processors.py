from django.conf import settings

from . import navigation


def navigation_items(request):
    path = request.path
    items = navigation.items_for(request)
    # The longest matching URL is the current place ("/" only matches itself).
    current = max(
        (i for i in items if path == i.url or (i.url != "/" and path.startswith(i.url))),
        key=lambda i: len(i.url),
        default=None,
    )
    return {
        "nav_items": items,
        "nav_current": current.key if current else None,
        "signup_open": settings.EXECLAVE_SIGNUP_OPEN,
        "my_data_url": navigation.my_data_url(request),
    }
