"""``external_api``: which hosts and HTTP methods a tool call may reach.

Every URL or host found in the input is checked: a host matching ``denied_domains`` is
refused; when ``allowed_domains`` is set, a host must match one of them. The HTTP method
(input field ``method_field``, default ``method``) must be in ``allowed_methods`` when
that is set. ``require_https`` refuses plain-text schemes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from policies.call import Call, Scan
from policies.detectors.urls import host_matches, valid_domain_pattern
from policies.detectors.walk import get_path
from policies.evaluators.base import Violation, join_human
from policies.evaluators.fields import Flag, StringList, Text, invalid, widget
from policies.evaluators.settings import PolicySettings
from policies.types import PolicyType

_PLAINTEXT_SCHEMES = frozenset({"http", "ftp", "ws"})
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")
# What the wizard's domain input accepts; the server's check is valid_domain_pattern.
_DOMAIN_PATTERN = (
    r"^(\*|[a-z0-9*]([a-z0-9*-]{0,61}[a-z0-9*])?)(\.[a-z0-9*]([a-z0-9*-]{0,61}[a-z0-9*])?)*$"
    r"|^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$"
)


def _domain_error(value: str) -> str | None:
    if valid_domain_pattern(value):
        return None
    return "is not a domain pattern (example.com, *.example.com, 10.0.0.0/8)"


def _domains(title: str, description: str, example: list[str]) -> Any:
    return Field(
        [],
        title=title,
        description=description,
        examples=[example],
        json_schema_extra=widget("domains"),
    )


Domains = StringList(
    max_length=253,
    check=_domain_error,
    transform=str.lower,
    item_schema={"pattern": _DOMAIN_PATTERN, "maxLength": 253},
)


class ExternalApiSettings(PolicySettings):
    policy_type: ClassVar[str] = PolicyType.EXTERNAL_API
    summary: ClassVar[str] = "Limit which hosts and HTTP methods a tool may reach."
    example: ClassVar[dict[str, Any]] = {
        "allowed_domains": ["*.example.com"],
        "allowed_methods": ["GET"],
    }

    allowed_domains: Domains = _domains(  # type: ignore[valid-type]
        "Allowed domains",
        "When set, every host the call reaches must match one (*.example.com, 10.0.0.0/8).",
        ["api.example.com", "*.example.com"],
    )
    denied_domains: Domains = _domains(  # type: ignore[valid-type]
        "Denied domains", "A host matching one of these is always refused.", ["*.pastebin.com"]
    )
    allowed_methods: StringList(choices=HTTP_METHODS, transform=str.upper) = Field(  # type: ignore[valid-type]
        [],
        title="Allowed HTTP methods",
        description="When set, the call's method must be one of these.",
        examples=[["GET", "HEAD"]],
        json_schema_extra=widget("checkboxes"),
    )
    method_field: Text(100, **widget("json-path")) = Field(  # type: ignore[valid-type]
        "method",
        title="Method field",
        description="Dotted path in the input holding the HTTP method.",
    )
    require_https: Flag = Field(
        False,
        title="Require HTTPS",
        description="Refuse plain-text schemes (http, ftp, ws).",
        json_schema_extra=widget("switch"),
    )

    @model_validator(mode="after")
    def _something_to_check(self) -> ExternalApiSettings:
        if not (self.allowed_domains or self.denied_domains or self.allowed_methods):
            raise invalid(
                "set allowed_domains, denied_domains or allowed_methods", field="allowed_domains"
            )
        return self


def evaluate(config: ExternalApiSettings, call: Call, scan: Scan) -> Violation | None:
    allowed = config.allowed_domains
    denied = config.denied_domains
    methods = config.allowed_methods
    problems: list[str] = []
    refused: list[dict[str, Any]] = []
    seen: set[str] = set()
    for found in scan.urls("input"):
        if found.host in seen and not config.require_https:
            continue
        seen.add(found.host)
        deny_hit = next((p for p in denied if host_matches(found.host, p)), None)
        if deny_hit is not None:
            problems.append(f"{found.host} is a denied domain ({deny_hit})")
            refused.append({**found.as_dict(), "rule": "denied", "pattern": deny_hit})
        elif allowed and not any(host_matches(found.host, p) for p in allowed):
            problems.append(f"{found.host} is not an allowed domain")
            refused.append({**found.as_dict(), "rule": "not_allowed"})
        elif config.require_https and found.scheme in _PLAINTEXT_SCHEMES:
            problems.append(f"{found.host} is reached over {found.scheme}, not https")
            refused.append({**found.as_dict(), "rule": "plaintext"})
    method = None
    if methods:
        raw = get_path(call.input, config.method_field)
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
