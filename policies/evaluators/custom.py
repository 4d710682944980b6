"""``custom``: a plain-English rule judged by an LLM (or the offline judge).

The judge comes from the scan (tests, the decision service) or from settings
(``policies.llm.judge_from_settings``). When the model is unreachable, times out or
answers nonsense, ``fail_mode`` decides: ``closed`` (default) turns that into a
violation, ``open`` lets the call through and leaves a note for the ledger.
"""

from __future__ import annotations

from typing import Any

from policies.call import Call, Scan
from policies.evaluators.base import Violation
from policies.llm import JudgeUnavailable, judge_from_settings


def evaluate(config: dict[str, Any], call: Call, scan: Scan) -> Violation | None:
    if not scan.locations(config.get("scan", "both")):
        return None
    judge = scan.judge if scan.judge is not None else judge_from_settings()
    timeout = config.get("timeout")
    try:
        judgement = judge.judge(config["rule"], call, timeout=float(timeout) if timeout else None)
    except JudgeUnavailable as exc:
        fail_mode = config.get("fail_mode", "closed")
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
