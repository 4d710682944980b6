"""``custom``: a plain-English rule judged by an LLM (or the offline judge).

The judge comes from the scan (tests, the decision service) or from settings
(``policies.llm.judge_from_settings``). When the model is unreachable, times out or
answers nonsense, ``fail_mode`` decides: ``closed`` (default) turns that into a
violation, ``open`` lets the call through and leaves a note for the ledger.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from policies.call import Call, JudgeUnavailable, Scan
from policies.evaluators.base import Violation
from policies.evaluators.fields import Choice, Real, Text, widget
from policies.evaluators.settings import PolicySettings, ScanWhere
from policies.llm import judge_from_settings
from policies.types import PolicyType


class CustomSettings(PolicySettings):
    policy_type: ClassVar[str] = PolicyType.CUSTOM
    summary: ClassVar[str] = (
        "Write the rule in plain English; each call is judged against it by the language "
        "model this server is set up with, or, until one is, by Execlave's built-in offline judge."
    )
    example: ClassVar[dict[str, Any]] = {
        "rule": "Never send emails to addresses outside example.com",
        "fail_mode": "closed",
    }

    rule: Text(2000, **widget("textarea", rows=4)) = Field(  # type: ignore[valid-type]
        title="The rule, in plain English",
        description="Say what must not happen, as you would to a new colleague: which tool, "
        'which data, which limits. One rule per policy reads best, e.g. "Never send emails '
        'to addresses outside example.com" or "Refunds over 100 euros need a reason in '
        'the input".',
        examples=["Never send emails to addresses outside example.com"],
    )
    fail_mode: Choice(("open", "closed"), **widget("radio")) = Field(  # type: ignore[valid-type]
        "closed",
        title="When the language model cannot answer",
        description="closed refuses the call; open lets it through and notes it in the ledger.",
    )
    scan: ScanWhere = Field("both", title="Judge")  # type: ignore[valid-type]
    timeout: Real(0.1, 60) | None = Field(  # type: ignore[valid-type]
        None,
        title="Time limit (seconds)",
        description="How long to wait for the model; the server's default when empty.",
        examples=[5],
        json_schema_extra=widget("number", unit="seconds"),
    )


def evaluate(config: CustomSettings, call: Call, scan: Scan) -> Violation | None:
    if not scan.locations(config.scan):
        return None
    judge = scan.judge if scan.judge is not None else judge_from_settings()
    timeout = config.timeout
    try:
        judgement = judge.judge(config.rule, call, timeout=float(timeout) if timeout else None)
    except JudgeUnavailable as exc:
        fail_mode = config.fail_mode
        if fail_mode == "open":
            scan.note(
                f"LLM judge unavailable ({exc}); the policy fails open", judge="llm", error=str(exc)
            )
            return None
        return Violation(
            f"the LLM judge is unavailable ({exc}) and this policy fails closed",
            {"judge": "llm", "error": str(exc), "fail_mode": fail_mode},
        )
    if not judgement.violates:
        return None
    return Violation(judgement.reason, {"judge": judgement.source, "cached": judgement.cached})
