"""Shared helpers for the approvals tests."""

from __future__ import annotations

import uuid

from approvals.services import approval_request_create
from governance.services import agent_permission_grant


def pause(org, agent, **overrides):
    """A pending request as /check would create it."""
    kwargs = dict(
        organisation=org,
        trace_id=uuid.uuid4(),
        agent=agent,
        tool="database.delete",
        input={
            "table": "customers",
            "where": {"email": "jane.doe@example.com"},
            "card": "4111 1111 1111 1111",
        },
        policy=None,
        reason="Deleting customer rows needs a human.",
        timeout_seconds=300,
        required_role="reviewer",
    )
    kwargs.update(overrides)
    return approval_request_create(**kwargs)


def grant(agent, user):
    """Give ``user`` the django-guardian right to decide ``agent``'s requests."""
    agent_permission_grant(agent=agent, user=user, permission="decide_approvals", actor=None)
    return user
