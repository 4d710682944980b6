"""Who may see and decide an approval request.

A person decides a request when all of these hold:
- they are a member of its organisation with a role that holds ``approvals.decide``
  (owner, admin, reviewer — see ``governance.roles``);
- they hold that capability on the request's agent (owners and admins on every agent;
  reviewers only where they hold the django-guardian permission ``decide_approvals``);
- their role ranks at least the request's ``required_role`` (owner > admin >
  compliance officer > reviewer > developer), so a policy can reserve a decision for admins.
Everyone else is told the request does not exist (404), never that it is forbidden.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from governance.models import Organisation
from governance.roles import Role
from governance.selectors import agents_for, role_of

CAPABILITY = "approvals.decide"

ROLE_RANK: dict[str, int] = {
    Role.DEVELOPER: 0,
    Role.REVIEWER: 1,
    Role.COMPLIANCE_OFFICER: 2,
    Role.ADMIN: 3,
    Role.OWNER: 4,
}


def roles_at_least(required_role: str) -> list[str]:
    floor = ROLE_RANK.get(required_role, ROLE_RANK[Role.REVIEWER])
    return [role for role, rank in ROLE_RANK.items() if rank >= floor]


def decidable_filter(*, user, organisation: Organisation) -> Q | None:
    """A filter on Approval for the requests this user may see and decide in ``organisation``;
    None when they may decide nothing there."""
    role = role_of(user=user, organisation=organisation)
    if role is None:
        return None
    agent_ids = list(
        agents_for(user=user, capability=CAPABILITY, organisation=organisation).values_list(
            "id", flat=True
        )
    )
    if not agent_ids:
        return None
    rank = ROLE_RANK.get(role, -1)
    allowed_required = [r for r, needed in ROLE_RANK.items() if needed <= rank]
    return Q(organisation=organisation, agent_id__in=agent_ids, required_role__in=allowed_required)


def decidable(queryset: QuerySet, *, user, organisation: Organisation | None) -> QuerySet:
    if organisation is None:
        return queryset.none()
    condition = decidable_filter(user=user, organisation=organisation)
    return queryset.none() if condition is None else queryset.filter(condition)


def can_decide(*, user, approval) -> bool:
    """May ``user`` decide this request? Seeing its full input follows the same rule."""
    if user is None or not getattr(user, "is_authenticated", False) or not hasattr(user, "pk"):
        return False
    condition = decidable_filter(user=user, organisation=approval.organisation)
    if condition is None:
        return False
    return type(approval).objects.filter(condition, pk=approval.pk).exists()
