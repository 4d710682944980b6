from .retention import retention_conflict
from .selectors import organisations_for


def organisation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_organisation": getattr(request, "organisation", None),
        "my_organisations": organisations_for(user=user),
    }


def banners(request):
    """Warnings every console page shows for the organisation being worked in (the template
    ``_banners.html`` renders them): today the EU AI Act retention conflict."""
    organisation = getattr(request, "organisation", None)
    user = getattr(request, "user", None)
    if organisation is None or user is None or not user.is_authenticated:
        return {}
    conflict = retention_conflict(organisation)
    if conflict is None:
        return {}
    return {
        "banners": [
            {
                "level": "warning",
                "code": "retention_conflict",
                "title": "Logs of high-risk agents are kept under six months",
                "text": conflict.message,
            }
        ]
    }
