"""The ``approval`` entry each final state appends to the trace's ledger."""

from __future__ import annotations

from traces.services import LedgerEvent, ledger_append

from .models import Approval


def approval_ledger_event(approval: Approval) -> LedgerEvent:
    return LedgerEvent(
        trace_id=approval.trace_id,
        kind="approval",
        agent=approval.agent,
        tool=approval.tool,
        server={
            "approval_id": str(approval.pk),
            "status": approval.status,
            "decided_by": approval.decided_by_label or None,
            "comment": approval.comment or None,
            "decided_at": approval.decided_at.isoformat() if approval.decided_at else None,
            "policy": approval.policy_name or None,
            "policy_id": approval.policy_id,
            "approvers_required": approval.approvers_required,
            "approvers": [
                {
                    "by": d.user_label,
                    "verdict": d.verdict,
                    "comment": d.comment or None,
                    "at": d.created_at.isoformat(),
                }
                for d in approval.decisions.all()
            ],
            "on_timeout": approval.on_timeout,
        },
        occurred_at=approval.decided_at,
    )


def approval_ledger_append(*, approval: Approval) -> None:
    ledger_append(organisation=approval.organisation, events=[approval_ledger_event(approval)])
