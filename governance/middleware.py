from __future__ import annotations

from django.http import JsonResponse

from .request_context import client_ip, current_ip
from .text import text_problem

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


class ApiTextGuardMiddleware:
    """For ``/api/`` requests: a query parameter, the path or a header holding text no field
    can hold (NUL, an unpaired surrogate: ``governance.text``) is a 400 naming it, before any
    view, key lookup or throttle reads it. Bodies are checked by the JSON parser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            errors = _bad_request_text(request)
            if errors:
                return JsonResponse({"errors": errors}, status=400)
        return self.get_response(request)


def _bad_request_text(request) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if text_problem(request.path_info):
        errors["path"] = [f"The path {text_problem(request.path_info)}"]
    for name, values in request.GET.lists():
        for value in (name, *values):
            problem = text_problem(value)
            if problem:
                errors[ascii(name)[1:-1] if text_problem(name) else name] = [
                    f"This parameter {problem}"
                ]
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str):
            problem = text_problem(value)
            if problem:
                header = "-".join(part.capitalize() for part in key[5:].split("_"))
                errors[header] = [f"This header {problem}"]
    return errors
