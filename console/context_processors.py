from django.conf import settings

from . import navigation


def navigation_items(request):
    items = navigation.items_for(request)
    return {
        "nav_items": items,
        "nav_current": navigation.current_key(request.path, items),
        "signup_open": settings.EXECLAVE_SIGNUP_OPEN,
        "my_data_url": navigation.my_data_url(request),
    }
