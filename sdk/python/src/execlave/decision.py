"""The server's answer to a check, as the client hands it around."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass
class Decision:
    """The server's answer to a check (or the client's stand-in when it is unreachable)."""

    decision: Literal["allow", "warn", "block", "require_approval"]
    trace_id: str
    violations: list[dict[str, Any]] = field(default_factory=list)
    approval: dict[str, Any] | None = None
    output_check: bool = False
    ungoverned: bool = False
    reason: str | None = None

    @property
    def allowed(self) -> bool:
        return self.decision in ("allow", "warn")
