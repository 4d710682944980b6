"""``external_api``: which hosts and HTTP methods a tool call may reach.

Every URL or host found in the input is checked: a host matching ``denied_domains`` is
refused; when ``allowed_domains`` is set, a host must match one of them. The HTTP method
(input field ``method_field``, default ``method``) must be in ``allowed_methods`` when
that is set. ``require_https`` refuses plain-text schemes.
"""

from __future__ import annotations

from typing import Any

from policies.call import Call, Scan
from policies.detectors.urls import host_matches
from policies.detectors.walk import get_path
from policies.evaluators.base import Violation, join_human

_PLAINTEXT_SCHEMES = frozenset({"http", "ftp", "ws"})


def evaluate(config: dict[str, Any], call: Call, scan: Scan) -> Violation | None:
    allowed = list(config.get("allowed_domains") or [])
    denied = list(config.get("denied_domains") or [])
    methods = [m.upper() for m in config.get("allowed_methods") or []]
    problems: list[str] = []
    refused: list[dict[str, Any]] = []
    seen: set[str] = set()
    for found in scan.urls("input"):
        if found.host in seen and not config.get("require_https"):
            continue
        seen.add(found.host)
        deny_hit = next((p for p in denied if host_matches(found.host, p)), None)
        if deny_hit is not None:
            problems.append(f"{found.host} is a denied domain ({deny_hit})")
            refused.append({**found.as_dict(), "rule": "denied", "pattern": deny_hit})
        elif allowed and not any(host_matches(found.host, p) for p in allowed):
            problems.append(f"{found.host} is not an allowed domain")
            refused.append({**found.as_dict(), "rule": "not_allowed"})
        elif config.get("require_https") and found.scheme in _PLAINTEXT_SCHEMES:
            problems.append(f"{found.host} is reached over {found.scheme}, not https")
            refused.append({**found.as_dict(), "rule": "plaintext"})
    method = None
    if methods:
        raw = get_path(call.input, config.get("method_field", "method"))
        if isinstance(raw, str) and raw.strip():
            method = raw.strip().upper()
            if method not in methods:
                problems.append(f"method {method} is not allowed (allowed: {', '.join(methods)})")
    if not problems:
        return None
    return Violation(
        join_human(problems, 4),
        {"refused": refused[:50], "method": method, "allowed_methods": methods or None},
    )
