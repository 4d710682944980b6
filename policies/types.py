"""Policy vocabulary: the types, enforcement modes and phases.

Pure Python (Django's ``TextChoices`` is a plain ``enum`` that needs no settings),
so evaluators, validators and the model can share one definition.
"""

from __future__ import annotations

from django.db.models import TextChoices


class PolicyType(TextChoices):
    COST_LIMIT = "cost_limit", "Cost limit"
    RECORD_COUNT_LIMIT = "record_count_limit", "Record count limit"
    PII_ACCESS = "pii_access", "PII access"
    PROMPT_INJECTION = "prompt_injection", "Prompt injection"
    ACTION_APPROVAL = "action_approval", "Dangerous actions (approval)"
    EXTERNAL_API = "external_api", "External API"
    DATA_RESTRICTION = "data_restriction", "Data restriction"
    ACCESS_CONTROL = "access_control", "Access control"
    BUDGET_CAP = "budget_cap", "Budget cap"
    QUALITY_THRESHOLD = "quality_threshold", "Quality threshold"
    OUTPUT_CLASSIFICATION = "output_classification", "Output classification"
    CUSTOM = "custom", "Custom (plain English)"


class Mode(TextChoices):
    """Enforcement mode, strongest first: ``block`` > ``require_approval`` > ``warn``.

    ``monitor`` violations are recorded in the ledger but never returned to the agent.
    """

    BLOCK = "block", "Block"
    REQUIRE_APPROVAL = "require_approval", "Require approval"
    WARN = "warn", "Warn"
    MONITOR = "monitor", "Monitor"


class Phase(TextChoices):
    INPUT = "input", "Input (before the tool runs)"
    OUTPUT = "output", "Output (on the tool's result)"
    BOTH = "both", "Input and output"


class Decision(TextChoices):
    ALLOW = "allow", "Allow"
    WARN = "warn", "Warn"
    BLOCK = "block", "Block"
    REQUIRE_APPROVAL = "require_approval", "Require approval"


# Which phases each type can be evaluated in. A policy's ``phase`` must be one of these;
# ``both`` is only offered where the type supports input *and* output.
_IN = frozenset({Phase.INPUT})
_OUT = frozenset({Phase.OUTPUT})
_ANY = frozenset({Phase.INPUT, Phase.OUTPUT, Phase.BOTH})

SUPPORTED_PHASES: dict[PolicyType, frozenset[Phase]] = {
    PolicyType.COST_LIMIT: _ANY,  # estimated cost before, reported cost after
    PolicyType.RECORD_COUNT_LIMIT: _ANY,  # requested limit before, records returned after
    PolicyType.PII_ACCESS: _ANY,
    PolicyType.PROMPT_INJECTION: _ANY,  # direct (input) and indirect (tool output) injection
    PolicyType.ACTION_APPROVAL: _IN,
    PolicyType.EXTERNAL_API: _IN,
    PolicyType.DATA_RESTRICTION: _ANY,
    PolicyType.ACCESS_CONTROL: _IN,
    PolicyType.BUDGET_CAP: _IN,  # reserved at check time, reconciled when the trace arrives
    PolicyType.QUALITY_THRESHOLD: _OUT,
    PolicyType.OUTPUT_CLASSIFICATION: _OUT,
    PolicyType.CUSTOM: _ANY,
}

DEFAULT_PHASE: dict[PolicyType, Phase] = {
    PolicyType.COST_LIMIT: Phase.INPUT,
    PolicyType.RECORD_COUNT_LIMIT: Phase.BOTH,
    PolicyType.PII_ACCESS: Phase.BOTH,
    PolicyType.PROMPT_INJECTION: Phase.BOTH,
    PolicyType.ACTION_APPROVAL: Phase.INPUT,
    PolicyType.EXTERNAL_API: Phase.INPUT,
    PolicyType.DATA_RESTRICTION: Phase.BOTH,
    PolicyType.ACCESS_CONTROL: Phase.INPUT,
    PolicyType.BUDGET_CAP: Phase.INPUT,
    PolicyType.QUALITY_THRESHOLD: Phase.OUTPUT,
    PolicyType.OUTPUT_CLASSIFICATION: Phase.OUTPUT,
    PolicyType.CUSTOM: Phase.INPUT,
}

MODE_RANK: dict[str, int] = {Mode.BLOCK: 3, Mode.REQUIRE_APPROVAL: 2, Mode.WARN: 1, Mode.MONITOR: 0}


def supported_phases(policy_type: str) -> frozenset[Phase]:
    return SUPPORTED_PHASES[PolicyType(policy_type)]


def default_phase(policy_type: str) -> Phase:
    return DEFAULT_PHASE[PolicyType(policy_type)]


def phase_applies(policy_phase: str, call_phase: str) -> bool:
    """Does a policy configured for ``policy_phase`` run on a call in ``call_phase``?"""
    return policy_phase == Phase.BOTH or policy_phase == call_phase


def output_capable(policy_type: str) -> bool:
    return Phase.OUTPUT in SUPPORTED_PHASES[PolicyType(policy_type)]
