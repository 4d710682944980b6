"""The organisation as it stood at every moment of a report period, rebuilt from the audit log.

Policies, agents and memberships change during a period; a report must not count a policy
created tomorrow for last quarter, nor miss an agent that was high-risk for a month and then
reclassified. Every change to them is written to the audit log, in the same transaction, with a
snapshot of the object after it (and before it, for updates and removals). So the state of one
object at a time ``t`` is:

* the ``after`` of its last audit row at or before ``t`` (``None`` once it was deleted or
  removed); else
* nothing, if its first audit row is its creation (it did not exist yet); else the ``before``
  of its first audit row after ``t`` (it existed, unchanged, before that row); else
* the object as it stands now, if it was created at or before ``t`` (objects made before audit
  logging, or by data migrations).

:func:`timeline` cuts the period at every change and returns one :class:`Snapshot` per
stretch in which nothing changed. Collectors assess each stretch and combine them
(``compliance.evidence.context.over_period``). API keys need no replay: their lifetime
(created, expires, revoked) is on the key itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model

from governance.audit import AuditAction
from governance.models import Agent, AuditLog, Membership, Organisation
from policies.models import Policy

POLICY_TYPE = "policies.policy"
AGENT_TYPE = "governance.agent"
MEMBERSHIP_TYPE = "governance.membership"
TRACKED_TYPES = (POLICY_TYPE, AGENT_TYPE, MEMBERSHIP_TYPE)
#: Audit actions that bring an object into existence: before the first of them it did not exist.
CREATIONS = frozenset(
    {
        AuditAction.POLICY_CREATED,
        AuditAction.AGENT_CREATED,
        AuditAction.AGENT_AUTOREGISTERED,
        AuditAction.MEMBERSHIP_ADDED,
    }
)


@dataclass(frozen=True)
class PolicyInfo:
    """What the assessment needs of a policy at one moment."""

    id: int
    name: str
    type: str
    mode: str
    enabled: bool
    agent_ids: frozenset[int] | None  # None: every agent of the organisation
    version: int = 1


@dataclass(frozen=True)
class AgentInfo:
    id: int
    name: str
    risk_class: str
    is_active: bool
    owner_id: int | None


@dataclass(frozen=True)
class MemberInfo:
    id: int
    username: str
    role: str


@dataclass(frozen=True)
class Snapshot:
    """The organisation between two changes: [start, end)."""

    start: datetime
    end: datetime
    policies: tuple[PolicyInfo, ...]
    agents: tuple[AgentInfo, ...]
    members: tuple[MemberInfo, ...]

    @property
    def active_agents(self) -> list[AgentInfo]:
        return [a for a in self.agents if a.is_active]

    def enabled_policies(self, policy_type: str | None = None) -> list[PolicyInfo]:
        return [
            p for p in self.policies if p.enabled and (policy_type is None or p.type == policy_type)
        ]


@dataclass(frozen=True)
class _Row:
    at: datetime
    action: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


class _History:
    """Audit rows and current values of one kind of object; answers its state at a time."""

    def __init__(
        self,
        rows: Iterable[AuditLog],
        current: Mapping[str, tuple[datetime, dict[str, Any]]],
    ) -> None:
        self.rows: dict[str, list[_Row]] = defaultdict(list)
        for r in rows:
            self.rows[r.object_id].append(_Row(r.created_at, r.action, r.before, r.after))
        self.current = current

    def ids(self) -> set[str]:
        return set(self.rows) | set(self.current)

    def state(self, object_id: str, at: datetime) -> dict[str, Any] | None:
        rows = self.rows.get(object_id, [])
        past = [r for r in rows if r.at <= at]
        if past:
            return None if past[-1].after is None else dict(past[-1].after)
        if rows:
            first = rows[0]
            if first.action in CREATIONS or first.before is None:
                return None
            return dict(first.before)
        created, values = self.current.get(object_id, (None, None))
        if created is None or created > at:
            return None
        return dict(values)

    def change_times(self) -> set[datetime]:
        times = {r.at for rows in self.rows.values() for r in rows}
        times |= {created for oid, (created, _) in self.current.items() if oid not in self.rows}
        return times


#: The audit actions that carry a full snapshot of the object (before and/or after); other rows
#: about the same object (e.g. a permission granted on an agent) say nothing of its state.
SNAPSHOT_ACTIONS = {
    POLICY_TYPE: (
        AuditAction.POLICY_CREATED,
        AuditAction.POLICY_UPDATED,
        AuditAction.POLICY_DELETED,
    ),
    AGENT_TYPE: (
        AuditAction.AGENT_CREATED,
        AuditAction.AGENT_UPDATED,
        AuditAction.AGENT_AUTOREGISTERED,
    ),
    MEMBERSHIP_TYPE: (
        AuditAction.MEMBERSHIP_ADDED,
        AuditAction.MEMBERSHIP_ROLE_CHANGED,
        AuditAction.MEMBERSHIP_REMOVED,
    ),
}


def _audit_rows(organisation: Organisation, object_type: str, end: datetime) -> list[AuditLog]:
    return list(
        AuditLog.objects.filter(
            organisation=organisation,
            object_type=object_type,
            action__in=[a.value for a in SNAPSHOT_ACTIONS[object_type]],
            created_at__lt=end,
        )
        .only("object_id", "created_at", "action", "before", "after")
        .order_by("created_at", "id")
    )


def _policy_history(organisation: Organisation, end: datetime) -> _History:
    current = {}
    for p in Policy.objects.filter(organisation=organisation).prefetch_related("agents"):
        current[str(p.pk)] = (
            p.created_at,
            {
                "name": p.name,
                "type": p.type,
                "mode": p.mode,
                "enabled": p.enabled,
                "version": p.version,
                "agents": sorted(a.name for a in p.agents.all()),
            },
        )
    return _History(_audit_rows(organisation, POLICY_TYPE, end), current)


def _agent_history(organisation: Organisation, end: datetime) -> _History:
    current = {
        str(a.pk): (
            a.created_at,
            {
                "name": a.name,
                "risk_class": a.risk_class,
                "is_active": a.is_active,
                "owner_id": a.owner_id,
            },
        )
        for a in Agent.objects.filter(organisation=organisation)
    }
    return _History(_audit_rows(organisation, AGENT_TYPE, end), current)


def _member_history(organisation: Organisation, end: datetime) -> _History:
    current = {
        str(m.pk): (m.created_at, {"user": m.user.get_username(), "role": m.role})
        for m in Membership.objects.filter(organisation=organisation).select_related("user")
    }
    return _History(_audit_rows(organisation, MEMBERSHIP_TYPE, end), current)


def _owner_id(value: Any) -> int | None:
    """Agent snapshots store owner_id; memberships store the username."""
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def timeline(
    *, organisation: Organisation, start: datetime, end: datetime, now: datetime
) -> list[Snapshot]:
    """One snapshot per stretch of [start, end) in which no policy, agent or membership changed.
    Beyond ``now`` nothing can change, so the last stretch runs to ``end`` as things stand."""
    policies = _policy_history(organisation, end)
    agents = _agent_history(organisation, end)
    members = _member_history(organisation, end)
    cuts = sorted(
        t
        for t in policies.change_times() | agents.change_times() | members.change_times()
        if start < t < min(end, now)
    )
    bounds = [start, *cuts, end]
    snapshots: list[Snapshot] = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        at = lo
        agent_states = []
        for oid in sorted(agents.ids(), key=int):
            s = agents.state(oid, at)
            if s is not None:
                agent_states.append(
                    AgentInfo(
                        id=int(oid),
                        name=str(s.get("name", "")),
                        risk_class=str(s.get("risk_class", "")),
                        is_active=bool(s.get("is_active", True)),
                        owner_id=_owner_id(s.get("owner_id")),
                    )
                )
        ids_by_name = {a.name: a.id for a in agent_states}
        policy_states = []
        for oid in sorted(policies.ids(), key=int):
            s = policies.state(oid, at)
            if s is None:
                continue
            scoped = frozenset(ids_by_name[n] for n in s.get("agents") or [] if n in ids_by_name)
            policy_states.append(
                PolicyInfo(
                    id=int(oid),
                    name=str(s.get("name", "")),
                    type=str(s.get("type", "")),
                    mode=str(s.get("mode", "")),
                    enabled=bool(s.get("enabled", True)),
                    # A policy scoped to agents that no longer exist applies to none of them,
                    # not to all: only an empty scope means every agent.
                    agent_ids=None if not s.get("agents") else scoped,
                    version=int(s.get("version") or 1),
                )
            )
        member_states = []
        for oid in sorted(members.ids(), key=int):
            s = members.state(oid, at)
            if s is not None and s.get("role"):
                member_states.append(
                    MemberInfo(id=int(oid), username=str(s.get("user", "")), role=str(s["role"]))
                )
        snapshot = Snapshot(
            start=lo,
            end=hi,
            policies=tuple(sorted(policy_states, key=lambda p: p.name)),
            agents=tuple(sorted(agent_states, key=lambda a: a.name)),
            members=tuple(member_states),
        )
        if snapshots and _same(snapshots[-1], snapshot):
            snapshots[-1] = Snapshot(
                snapshots[-1].start, hi, snapshot.policies, snapshot.agents, snapshot.members
            )
        else:
            snapshots.append(snapshot)
    return snapshots


def _same(a: Snapshot, b: Snapshot) -> bool:
    return (a.policies, a.agents, a.members) == (b.policies, b.agents, b.members)


def usernames(user_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        get_user_model().objects.filter(pk__in=list(user_ids)).values_list("pk", "username")
    )
