"""What every collector reads: the organisation, the period, and figures computed once per report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count
from django.utils import timezone

from compliance.ledger import verify_for_report
from governance.models import (
    Agent,
    Organisation,
)
from policies.models import Policy
from traces.models import LedgerEntry


@dataclass(frozen=True)
class PolicyInfo:
    """What the assessment needs of a policy, independent of the policies app's model layout."""

    id: int
    name: str
    type: str
    mode: str
    enabled: bool
    agent_ids: frozenset[int] | None  # None: every agent of the organisation
    version: int = 1


@dataclass
class EvidenceContext:
    organisation: Organisation
    start: datetime
    end: datetime
    now: datetime = field(default_factory=timezone.now)
    report_id: int | None = None
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def agents(self) -> list[Agent]:
        return self.memo(
            "agents",
            lambda: list(
                Agent.objects.filter(organisation=self.organisation)
                .select_related("owner")
                .order_by("name")
            ),
        )

    @property
    def active_agents(self) -> list[Agent]:
        return [a for a in self.agents if a.is_active]

    @property
    def policies(self) -> list[PolicyInfo]:
        return self.memo("policies", lambda: load_policies(self.organisation))

    def enabled_policies(self, policy_type: str | None = None) -> list[PolicyInfo]:
        return [
            p for p in self.policies if p.enabled and (policy_type is None or p.type == policy_type)
        ]

    def ledger_entries(self):
        return LedgerEntry.objects.filter(organisation=self.organisation)

    def period_entries(self):
        return self.ledger_entries().filter(recorded_at__gte=self.start, recorded_at__lt=self.end)

    @property
    def verification(self):
        return self.memo(
            "verification",
            lambda: verify_for_report(
                organisation=self.organisation, now=self.now, exclude_report=self.report_id
            ),
        )

    @property
    def decision_counts(self) -> Counter:
        """Decisions recorded in the period, by outcome (one GROUP BY on the ledger)."""

        def compute() -> Counter:
            rows = (
                self.period_entries()
                .filter(kind__in=["decision", "output_decision"])
                .values("decision")
                .annotate(n=Count("id"))
                .order_by()
            )
            return Counter({r["decision"] or "allow": r["n"] for r in rows})

        return self.memo("decisions", compute)


def load_policies(organisation: Organisation) -> list[PolicyInfo]:
    """The organisation's policies as PolicyInfo (empty until the policies app has its model)."""
    result = []
    agent_field = _agent_relation(Policy)
    queryset = Policy.objects.filter(organisation=organisation)
    if agent_field:
        queryset = queryset.prefetch_related(agent_field)
    for policy in queryset:
        agent_ids = None
        if agent_field:
            ids = frozenset(a.pk for a in getattr(policy, agent_field).all())
            agent_ids = ids or None
        result.append(
            PolicyInfo(
                id=policy.pk,
                name=policy.name,
                type=policy.type,
                mode=policy.mode,
                enabled=bool(getattr(policy, "enabled", True)),
                agent_ids=agent_ids,
                version=int(getattr(policy, "version", 1) or 1),
            )
        )
    return result


def _agent_relation(model) -> str | None:
    for f in model._meta.get_fields():
        if f.many_to_many and f.related_model is Agent:
            return f.name
    return None
