"""The base of every policy type's settings schema, and the approval settings any type carries.

A policy's ``threshold`` JSON is validated by its type's ``Settings`` model (a pydantic
model beside the type's evaluator), which holds each default once, gives the evaluator a
typed, immutable object, and is what the OpenAPI schema and the policy wizard's forms are
generated from. :func:`settings_errors` turns pydantic's errors into our
``{"threshold.<key>": [message]}`` shape, naming the exact key (``rules[0].effect``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from policies.evaluators.base import ApprovalParams
from policies.evaluators.fields import (
    EMAIL_PATTERN,
    GROUP_APPROVAL,
    Choice,
    StringList,
    Whole,
    email_error,
    invalid,
    widget,
)

APPROVER_ROLES: tuple[str, ...] = ("owner", "admin", "compliance_officer", "reviewer", "developer")
ON_TIMEOUT_CHOICES: tuple[str, ...] = ("deny", "allow")
SCAN_CHOICES: tuple[str, ...] = ("input", "output", "both")
MAX_APPROVAL_TIMEOUT = 30 * 24 * 3600
APPROVAL_FIELDS = (
    "approval_timeout",
    "required_role",
    "on_timeout",
    "approvers_required",
    "escalate_after",
    "escalation_contacts",
)


# Where a detector looks: the call's input, the tool's output, or both.
ScanWhere = Choice(
    SCAN_CHOICES,
    description="input: the call's arguments; output: the tool's result; both.",
    **widget("radio"),
)


def _approval(**extra: Any) -> dict[str, Any]:
    return {**extra, "x-group": GROUP_APPROVAL}


class Strict(BaseModel):
    """Immutable, refuses unknown keys, and takes ``null`` as "not given" (the default)."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)

    @model_validator(mode="before")
    @classmethod
    def _null_is_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data


def _type_schema_extra(schema: dict[str, Any], cls: type[PolicySettings]) -> None:
    # The type's own fields first; the approval fields (a form's last group) after them.
    properties = schema.get("properties", {})
    later = [k for k, v in properties.items() if v.get("x-group") == GROUP_APPROVAL]
    schema["properties"] = {k: v for k, v in properties.items() if k not in later} | {
        k: properties[k] for k in later
    }
    if cls.policy_type:
        schema["x-policy-type"] = str(cls.policy_type)
        schema["x-summary"] = cls.summary
        schema["examples"] = [cls.example]


class PolicySettings(Strict):
    """Settings every type accepts: how a person approves the call when the policy's mode is
    ``require_approval`` (stored only when given, except for ``action_approval``)."""

    model_config = ConfigDict(json_schema_extra=_type_schema_extra)

    # Set by each type: its ``PolicyType`` value, a one-line description and a valid example.
    policy_type: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    example: ClassVar[dict[str, Any]] = {}
    # Approval fields are written to the stored threshold even when left at their defaults.
    store_approval_defaults: ClassVar[bool] = False

    approval_timeout: Whole(10, MAX_APPROVAL_TIMEOUT) = Field(  # type: ignore[valid-type]
        3600,
        title="Approval timeout (seconds)",
        description="How long a reviewer has to decide before the on-timeout choice applies.",
        examples=[3600],
        json_schema_extra=_approval(**widget("duration", unit="seconds")),
    )
    required_role: Choice(APPROVER_ROLES) = Field(  # type: ignore[valid-type]
        "reviewer",
        title="Who may approve",
        description="The least role a member needs to approve or deny the call.",
        json_schema_extra=_approval(**widget("select")),
    )
    on_timeout: Choice(ON_TIMEOUT_CHOICES) = Field(  # type: ignore[valid-type]
        "deny",
        title="When nobody decides in time",
        description="deny refuses the call when the approval expires; allow lets it run.",
        json_schema_extra=_approval(**widget("radio")),
    )
    approvers_required: Whole(1, 10) = Field(  # type: ignore[valid-type]
        1,
        title="Approvals needed",
        description="How many different people must approve.",
        json_schema_extra=_approval(**widget("number")),
    )
    escalate_after: Whole(10, MAX_APPROVAL_TIMEOUT) | None = Field(  # type: ignore[valid-type]
        None,
        title="Escalate after (seconds)",
        description="Notify the escalation contacts when still undecided after this long; "
        "shorter than the approval timeout.",
        examples=[900],
        json_schema_extra=_approval(**widget("duration", unit="seconds")),
    )
    escalation_contacts: (
        StringList(  # type: ignore[valid-type]
            max_items=20, max_length=254, check=email_error, item_schema={"pattern": EMAIL_PATTERN}
        )
        | None
    ) = (  # type: ignore[valid-type]
        Field(
            None,
            title="Escalation contacts",
            description="E-mail addresses told when an approval is escalated.",
            examples=[["security@example.com"]],
            json_schema_extra=_approval(**widget("emails")),
        )
    )

    @model_validator(mode="after")
    def _escalate_before_timeout(self) -> PolicySettings:
        if self.escalate_after is not None and self.escalate_after >= self.approval_timeout:
            raise invalid("must be shorter than approval_timeout", field="escalate_after")
        return self

    def approval_params(self) -> ApprovalParams:
        return ApprovalParams(
            approval_timeout=self.approval_timeout,
            required_role=self.required_role,
            on_timeout=self.on_timeout,
            approvers_required=self.approvers_required,
            escalate_after=self.escalate_after,
        )

    def to_threshold(self) -> dict[str, Any]:
        """The JSON stored in ``Policy.threshold``: the type's own fields with their defaults,
        approval fields only when given (or always for ``action_approval``), no nulls."""
        keep = set(APPROVAL_FIELDS[:4]) if self.store_approval_defaults else set()
        skip = {f for f in APPROVAL_FIELDS if f not in self.model_fields_set and f not in keep}
        data = self.model_dump(mode="json", exclude=skip, exclude_none=True)
        own = {k: v for k, v in data.items() if k not in APPROVAL_FIELDS}
        return own | {k: v for k, v in data.items() if k in APPROVAL_FIELDS}


_MESSAGES = {
    "missing": "this field is required",
    "extra_forbidden": "unknown field",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
}


def _key(prefix: str, loc: list[Any]) -> str:
    key = prefix
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        else:
            key = f"{key}.{part}" if key else str(part)
    return key


def settings_errors(exc: ValidationError, prefix: str = "threshold") -> dict[str, list[str]]:
    """``{"threshold.rules[0].effect": ["must be one of: allow, deny"]}`` from pydantic's errors.

    A cross-field check names its key in the error's context (pydantic reports a model
    validator's error on the model itself).
    """
    errors: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        loc = list(error["loc"])
        message = _MESSAGES.get(error["type"], error["msg"])
        field = (error.get("ctx") or {}).get("field") if error["type"] == "execlave" else None
        if field:
            loc.append(field)
        errors.setdefault(_key(prefix, loc), []).append(message)
    return errors
