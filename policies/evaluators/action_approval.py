"""``action_approval`` ("Dangerous actions"): restricted actions need a person's approval.

A restricted action matches a tool when it equals one of the tool's name segments
(``database.delete`` and ``files.delete_all`` both contain ``delete``) or, when it holds
a wildcard or a dot, matches the whole tool name as a pattern (``billing.*``).
The violation carries the approval parameters the approval request is created with.
"""

from __future__ import annotations

import re
from typing import Any

from policies.call import Call, Scan
from policies.evaluators.base import Violation, approval_params, glob_match

_SEGMENT_SPLIT = re.compile(r"[._\-/:\s]+")


def matched_action(restricted: list[str], tool: str) -> str | None:
    segments = {s for s in _SEGMENT_SPLIT.split(tool.lower()) if s}
    for action in restricted:
        if any(c in action for c in "*?[") or "." in action:
            if glob_match(tool, action):
                return action
        elif action.lower() in segments:
            return action
    return None


def evaluate(config: dict[str, Any], call: Call, scan: Scan) -> Violation | None:
    action = matched_action(list(config["restricted_actions"]), call.tool)
    if action is None:
        return None
    params = approval_params(config)
    return Violation(
        f"'{call.tool}' is a restricted action ({action}) and needs approval by a {params.required_role}",
        {"action": action, "tool": call.tool},
        approval=params,
    )
