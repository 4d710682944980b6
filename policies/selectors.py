"""Reads of policies: the API's lists and the decision path's cached active set."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from django.db.models import QuerySet

from governance.models import Organisation
from policies.evaluators import PolicySettings
from policies.evaluators.base import glob_match_any
from policies.models import Policy
from policies.thresholds import ThresholdError, parse_settings
from policies.types import Phase, output_capable, phase_applies

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ActivePolicy:
    """An immutable snapshot of an enabled policy, shared by every request of a process."""

    id: int
    name: str
    type: str
    mode: str
    phase: str
    tool_patterns: tuple[str, ...]
    agent_ids: frozenset[int]  # empty: every agent
    threshold: MappingProxyType
    version: int
    # The typed settings, parsed once per load; None when the stored JSON no longer validates
    # (the evaluation then fails closed).
    settings: PolicySettings | None

    def applies_to(self, *, agent_id: int, tool: str) -> bool:
        if self.agent_ids and agent_id not in self.agent_ids:
            return False
        return not self.tool_patterns or glob_match_any(tool, self.tool_patterns)

    def runs_in(self, phase: str) -> bool:
        return phase_applies(self.phase, phase)

    @property
    def checks_output(self) -> bool:
        return self.phase in (Phase.OUTPUT, Phase.BOTH) and output_capable(self.type)

    def config(self) -> PolicySettings:
        """The policy's typed settings (immutable, shared by every request of a process)."""
        if self.settings is None:
            raise ThresholdError({"threshold": ["the stored settings do not validate"]})
        return self.settings


def _settings(policy: Policy) -> PolicySettings | None:
    try:
        return parse_settings(policy.type, policy.threshold)
    except ThresholdError as exc:
        logger.error("policy %s has invalid stored settings: %s", policy.pk, exc.errors)
        return None


def _snapshot(policy: Policy) -> ActivePolicy:
    return ActivePolicy(
        id=policy.pk,
        name=policy.name,
        type=policy.type,
        mode=policy.mode,
        phase=policy.phase,
        tool_patterns=tuple(policy.tool_patterns or ()),
        agent_ids=frozenset(a.pk for a in policy.agents.all()),
        threshold=MappingProxyType(dict(policy.threshold or {})),
        version=policy.version,
        settings=_settings(policy),
    )


def active_snapshot(policy: Policy) -> ActivePolicy:
    """The snapshot the decision path evaluates, for one stored policy (enabled or not)."""
    return _snapshot(policy)


# organisation id -> (its created_at, policy_version, policies). created_at guards against a
# reused id (SQLite may hand a deleted organisation's id to a new one).
_cache: dict[int, tuple[Any, int, tuple[ActivePolicy, ...]]] = {}
_cache_lock = threading.Lock()


def active_policies(*, organisation: Organisation) -> tuple[ActivePolicy, ...]:
    """The organisation's enabled policies, cached per process under its ``policy_version``.

    Every policy change bumps the version in the same transaction, so a request that reads
    the new version (it comes with the API key's organisation) reloads; no restart needed.
    """
    key = organisation.pk
    version = organisation.policy_version
    born = organisation.created_at
    cached = _cache.get(key)
    if cached is not None and cached[1] == version and cached[0] == born:
        return cached[2]
    policies = tuple(
        _snapshot(p)
        for p in Policy.objects.filter(organisation=organisation, enabled=True)
        .prefetch_related("agents")
        .order_by("pk")
    )
    with _cache_lock:
        current = _cache.get(key)
        if current is None or current[0] != born or current[1] <= version:
            _cache[key] = (born, version, policies)
    return policies


def active_policies_clear() -> None:
    with _cache_lock:
        _cache.clear()


def policies_for(*, organisation: Organisation) -> QuerySet[Policy]:
    return (
        Policy.objects.filter(organisation=organisation).prefetch_related("agents").order_by("name")
    )


def policy_get(*, organisation: Organisation, policy_id: Any) -> Policy | None:
    try:
        pk = int(policy_id)
    except (TypeError, ValueError):
        return None
    return policies_for(organisation=organisation).filter(pk=pk).first()
