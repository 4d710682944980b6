import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from approvals.models import ApprovalStatus
from approvals.services import approval_request_create
from governance.models import AuditLog


def make(org, agent, **overrides):
    kwargs = dict(
        organisation=org,
        trace_id=uuid.uuid4(),
        agent=agent,
        tool="database.delete",
        input={"table": "users", "where": "id=1"},
        policy=None,
        reason="Deletes need a human.",
        timeout_seconds=300,
        required_role="reviewer",
    )
    kwargs.update(overrides)
    return approval_request_create(**kwargs)


def test_create_sets_expiry_and_audits(org, agent):
    approval = make(org, agent)
    assert approval.status == ApprovalStatus.PENDING
    assert approval.expires_at - approval.requested_at == timedelta(seconds=300)
    assert approval.on_timeout == "deny"
    assert AuditLog.objects.filter(action="approval.requested", object_id=str(approval.pk)).exists()


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("approval_timeout", {"timeout_seconds": 0}),
        ("approval_timeout", {"timeout_seconds": "soon"}),
        ("approvers_required", {"approvers_required": 0}),
        ("required_role", {"required_role": "pope"}),
        ("on_timeout", {"on_timeout": "maybe"}),
        ("escalate_after", {"escalate_after": -5}),
    ],
)
def test_create_rejects_bad_configuration(org, agent, field, overrides):
    with pytest.raises(ValidationError) as info:
        make(org, agent, **overrides)
    assert field in info.value.message_dict


def test_create_refuses_agent_of_another_organisation(org, other_agent):
    with pytest.raises(ValidationError) as info:
        make(org, other_agent)
    assert "agent" in info.value.message_dict


def test_the_audit_log_names_the_agent_not_its_id(org, agent):
    """Audit rows read "files.delete by 3 (pending)": the agent's database id."""
    from tests.approvals.helpers import pause

    approval = pause(org, agent, tool="files.delete")
    row = AuditLog.objects.get(action="approval.requested", object_id=str(approval.pk))
    assert row.object_repr == f"files.delete by {agent.name} (pending)"
