"""Evidence collectors: one per mapping-rule signal, each turning the organisation's data for the
period into a :class:`compliance.assess.RuleResult` (status, reason, evidence, remediation).

Everything is aggregated in the database (COUNT … GROUP BY, MIN/MAX, LIMIT-ed samples); no
collector loads all ledger entries. Shared figures (agents, policies, the ledger verification,
decision counts) are computed once per report through ``EvidenceContext.memo``.

Modules by the evidence they read: ``policies``, ``ledger``, ``access`` (people and keys),
``activity`` (approvals, data-subject requests, audit log, inventory, decisions); ``context``
holds what they share, ``history`` rebuilds the organisation across the period from the audit
log, and ``base`` formats figures.
"""

from __future__ import annotations

from collections.abc import Callable

from compliance.assess import RuleResult
from compliance.catalog import MappingRule
from compliance.evidence.access import collect_access_roles, collect_api_keys
from compliance.evidence.activity import (
    collect_agent_inventory,
    collect_audit_log,
    collect_data_subject_requests,
    collect_enforcement_activity,
    collect_human_oversight,
)
from compliance.evidence.context import EvidenceContext, over_period
from compliance.evidence.history import PolicyInfo, Snapshot, timeline
from compliance.evidence.ledger import (
    collect_ledger_integrity,
    collect_log_retention,
    ledger_appendix,
)
from compliance.evidence.policies import (
    collect_policy,
    collect_policy_change_history,
    collect_policy_program,
)

COLLECTORS: dict[str, Callable[[EvidenceContext, MappingRule], RuleResult]] = {
    "policy": collect_policy,
    "policy_program": collect_policy_program,
    "ledger_integrity": collect_ledger_integrity,
    "log_retention": collect_log_retention,
    "access_roles": collect_access_roles,
    "api_keys": collect_api_keys,
    "human_oversight": collect_human_oversight,
    "data_subject_requests": collect_data_subject_requests,
    "audit_log": collect_audit_log,
    "policy_change_history": collect_policy_change_history,
    "agent_inventory": collect_agent_inventory,
    "enforcement_activity": collect_enforcement_activity,
}


def collect(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    return COLLECTORS[rule.signal](ctx, rule)


__all__ = [
    "COLLECTORS",
    "EvidenceContext",
    "PolicyInfo",
    "Snapshot",
    "collect",
    "ledger_appendix",
    "over_period",
    "timeline",
]
