from __future__ import annotations

from .request_context import client_ip, current_ip

SESSION_KEY = "execlave_organisation_id"


def _current_organisation(request):
    from .models import Organisation
    from .selectors import organisations_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    orgs = organisations_for(user=user)
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        org = orgs.filter(pk=chosen).first()
        if org is not None:
            return org
    org = orgs.order_by("name").first()
    if org is None and user.is_superuser:
        org = Organisation.objects.order_by("name").first()
    return org


class CurrentOrganisationMiddleware:
    """Sets ``request.organisation`` (the organisation a logged-in member works in, chosen in
    the session) and the client IP that audit rows record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request.META))
        # Only session-authenticated users have one; API requests (no session) pay nothing.
        request.organisation = _current_organisation(request)
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
