from .selectors import organisations_for


def organisation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_organisation": getattr(request, "organisation", None),
        "my_organisations": organisations_for(user=user),
    }
