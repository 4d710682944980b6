"""What /docs/ shows of the policy types: each type's label, summary, example settings and
fields, read from the policies app's registry (``policies.evaluators.POLICY_TYPES``), so the
page says what the server accepts."""

from __future__ import annotations

import json
from dataclasses import dataclass

from policies.evaluators import POLICY_TYPES
from policies.evaluators.settings import PolicySettings

MODES = [
    ("block", "The call is refused; the SDK raises ActionBlocked and records a blocked trace."),
    ("require_approval", "The call waits for a person's decision in the approval queue."),
    ("warn", "The call runs; the SDK logs the violation and the ledger records it."),
    ("monitor", "Recorded in the ledger only; the agent never sees it. Use it to try a policy."),
]
APPROVAL_FIELDS = frozenset(PolicySettings.model_fields)


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    description: str
    default: str
    required: bool


@dataclass(frozen=True)
class TypeDoc:
    key: str
    label: str
    summary: str
    example: str
    fields: list[Field]


def _fields(schema: dict, skip: frozenset[str]) -> list[Field]:
    required = set(schema.get("required") or ())
    out = []
    for name, prop in (schema.get("properties") or {}).items():
        if name in skip:
            continue
        default = prop.get("default")
        out.append(
            Field(
                name=name,
                title=prop.get("title", name),
                description=prop.get("description", ""),
                default="" if default is None else json.dumps(default),
                required=name in required,
            )
        )
    return out


def policy_types() -> list[TypeDoc]:
    return [
        TypeDoc(
            key=key,
            label=spec.label,
            summary=spec.summary,
            example=json.dumps(spec.example, indent=2, ensure_ascii=False),
            fields=_fields(spec.json_schema(), APPROVAL_FIELDS),
        )
        for key, spec in POLICY_TYPES.items()
    ]


def approval_fields() -> list[Field]:
    """The fields every type accepts for ``require_approval`` mode."""
    any_type = next(iter(POLICY_TYPES.values()))
    schema = any_type.json_schema()
    return [f for f in _fields(schema, frozenset()) if f.name in APPROVAL_FIELDS]
