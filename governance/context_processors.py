from django.urls import reverse

from .retention import retention_conflict
from .roles import Role, role_allows
from .selectors import organisations_for, role_of


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
    ``_banners.html`` renders them): today the EU AI Act retention conflict, shown to those who
    can act on it (see ``_acts_on_retention``)."""
    organisation = getattr(request, "organisation", None)
    user = getattr(request, "user", None)
    if organisation is None or user is None or not user.is_authenticated:
        return {}
    if not _acts_on_retention(user, organisation):
        return {}
    conflict = retention_conflict(organisation)
    if conflict is None:
        return {}
    # Where to act, for who reads it. Only the operator changes an organisation's plan (the
    # owner's page shows it read-only): owners and compliance officers read "Move to a plan …"
    # with no way on. The operator gets the organisation's page; everyone the ledger, to export.
    links = []
    note = ""
    if user.is_superuser:
        links.append(
            (
                "Change the plan",
                reverse("admin:governance_organisation_change", args=[organisation.pk]),
            )
        )
    else:
        note = "The plan is changed by the operator who runs Execlave for you: ask them."
    links.append(("Open the ledger to export it", reverse("admin:traces_ledgerentry_changelist")))
    return {
        "banners": [
            {
                "level": "warning",
                "code": "retention_conflict",
                "title": "Logs of high-risk agents are kept under six months",
                "text": conflict.message,
                "note": note,
                "links": links,
            }
        ]
    }


def _acts_on_retention(user, organisation) -> bool:
    """Who sees the retention conflict: those who can change the plan and retention (owners,
    and operators), and compliance officers, who own the evidence. Admins, reviewers and
    developers can do nothing about it."""
    if user.is_superuser:
        return True
    role = role_of(user=user, organisation=organisation)
    return role_allows(role, "organisation.manage") or role == Role.COMPLIANCE_OFFICER
