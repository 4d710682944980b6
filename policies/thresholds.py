"""Validate and clean a policy's ``threshold`` JSON, per type.

``clean_threshold(type, threshold)`` returns the cleaned config (defaults filled in,
decimals as strings, lists de-duplicated) or raises :class:`ThresholdError` whose
``errors`` map ``"threshold.<field>"`` to messages - the shape the API returns as
``{"errors": {...}}``. Unknown fields are refused, so a typo cannot silently disable a
rule. Any type may also carry the approval fields (``approval_timeout``,
``required_role``, ``on_timeout``, ``approvers_required``, ``escalate_after``,
``escalation_contacts``), used when the policy's mode is ``require_approval``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from policies.detectors.classification import LEVELS
from policies.detectors.injection import SENSITIVITY_THRESHOLDS
from policies.detectors.pii import PII_TYPES
from policies.detectors.urls import valid_domain_pattern
from policies.evaluators.access_control import DAYS
from policies.evaluators.base import APPROVER_ROLES, ON_TIMEOUT_CHOICES
from policies.evaluators.budget_cap import PERIODS, SCOPES
from policies.regex_safety import MAX_PATTERNS, pattern_error
from policies.types import Phase, PolicyType, supported_phases

MAX_AMOUNT = Decimal("1000000000000")
MAX_LIST = 500
MAX_APPROVAL_TIMEOUT = 30 * 24 * 3600
SCAN_CHOICES = ("input", "output", "both")
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")


class ThresholdError(ValueError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


_MISSING = object()


class _Cleaner:
    def __init__(self, raw: dict[str, Any], prefix: str = "threshold") -> None:
        self.raw = raw
        self.prefix = prefix
        self.out: dict[str, Any] = {}
        self.errors: dict[str, list[str]] = {}
        self.known: set[str] = set()

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(f"{self.prefix}.{name}" if name else self.prefix, []).append(message)

    def _get(self, name: str, required: bool) -> Any:
        self.known.add(name)
        value = self.raw.get(name, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.error(name, "this field is required")
            return _MISSING
        return value

    def decimal(
        self,
        name: str,
        *,
        required: bool = False,
        default: Any = _MISSING,
        allow_zero: bool = False,
    ) -> None:
        value = self._get(name, required)
        if value is _MISSING:
            if default is not _MISSING:
                self.out[name] = default
            return
        message = "must be a non-negative decimal" if allow_zero else "must be a positive decimal"
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            self.error(name, message)
            return
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.error(name, message)
            return
        if not number.is_finite() or number < 0 or (number == 0 and not allow_zero):
            self.error(name, message)
        elif number > MAX_AMOUNT:
            self.error(name, f"must be at most {MAX_AMOUNT}")
        elif number.as_tuple().exponent < -8:  # type: ignore[operator]
            self.error(name, "must have at most 8 decimal places")
        else:
            self.out[name] = str(number)

    def number(self, name: str, *, required: bool = False, default: Any = _MISSING,
               minimum: float | None = None, maximum: float | None = None) -> None:  # fmt: skip
        value = self._get(name, required)
        if value is _MISSING:
            if default is not _MISSING:
                self.out[name] = default
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(name, "must be a number")
            return
        if value != value or value in (float("inf"), float("-inf")):
            self.error(name, "must be a finite number")
        elif minimum is not None and value < minimum:
            self.error(name, f"must be at least {minimum:g}")
        elif maximum is not None and value > maximum:
            self.error(name, f"must be at most {maximum:g}")
        else:
            self.out[name] = value

    def integer(self, name: str, *, required: bool = False, default: Any = _MISSING,
                minimum: int | None = None, maximum: int | None = None) -> None:  # fmt: skip
        value = self._get(name, required)
        if value is _MISSING:
            if default is not _MISSING:
                self.out[name] = default
            return
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(name, "must be a whole number")
        elif minimum is not None and value < minimum:
            self.error(name, f"must be at least {minimum}")
        elif maximum is not None and value > maximum:
            self.error(name, f"must be at most {maximum}")
        else:
            self.out[name] = value

    def boolean(self, name: str, *, default: bool = False) -> None:
        value = self._get(name, False)
        if value is _MISSING:
            self.out[name] = default
        elif not isinstance(value, bool):
            self.error(name, "must be true or false")
        else:
            self.out[name] = value

    def choice(
        self,
        name: str,
        choices: tuple[str, ...],
        *,
        required: bool = False,
        default: Any = _MISSING,
    ) -> None:
        value = self._get(name, required)
        if value is _MISSING:
            if default is not _MISSING:
                self.out[name] = default
            return
        if not isinstance(value, str) or value not in choices:
            self.error(name, f"must be one of: {', '.join(choices)}")
        else:
            self.out[name] = value

    def string(self, name: str, *, required: bool = False, default: Any = _MISSING, max_length: int = 200,
               check: Callable[[str], str | None] | None = None) -> None:  # fmt: skip
        value = self._get(name, required)
        if value is _MISSING:
            if default is not _MISSING:
                self.out[name] = default
            return
        if not isinstance(value, str) or not value.strip():
            self.error(name, "must be a non-empty string")
        elif len(value) > max_length:
            self.error(name, f"must be at most {max_length} characters")
        else:
            message = check(value) if check else None
            if message:
                self.error(name, message)
            else:
                self.out[name] = value.strip()

    def string_list(self, name: str, *, required: bool = False, default: Any = _MISSING, non_empty: bool = False,
                    choices: tuple[str, ...] | None = None, item_check: Callable[[str], str | None] | None = None,
                    max_items: int = MAX_LIST, max_length: int = 200, transform: Callable[[str], str] | None = None) -> None:  # fmt: skip
        value = self._get(name, required)
        if value is _MISSING:
            if default is not _MISSING:
                self.out[name] = default
            return
        if not isinstance(value, list):
            self.error(name, "must be a list of strings")
            return
        if non_empty and not value:
            self.error(name, "must not be empty")
            return
        if len(value) > max_items:
            self.error(name, f"must have at most {max_items} items")
            return
        cleaned: list[str] = []
        ok = True
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(f"{name}[{i}]", "must be a non-empty string")
                ok = False
                continue
            item = item.strip()
            if transform:
                item = transform(item)
            if len(item) > max_length:
                self.error(f"{name}[{i}]", f"must be at most {max_length} characters")
                ok = False
            elif choices is not None and item not in choices:
                self.error(f"{name}[{i}]", f"'{item}' is not one of: {', '.join(choices)}")
                ok = False
            elif item_check and (message := item_check(item)):
                self.error(f"{name}[{i}]", message)
                ok = False
            elif item not in cleaned:
                cleaned.append(item)
        if ok:
            self.out[name] = cleaned

    def timezone(self, name: str = "timezone") -> None:
        self.string(name, default="UTC", max_length=64, check=_tz_error)

    def finish(self) -> dict[str, Any]:
        for name in self.raw:
            if name not in self.known:
                self.error(name, "unknown field")
        if self.errors:
            raise ThresholdError(self.errors)
        return self.out


def _tz_error(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "is not a known time zone (use an IANA name such as Europe/Paris)"
    return None


def _hhmm_error(value: str) -> str | None:
    if value == "24:00":
        return None
    parts = value.split(":")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        return "must be a time as HH:MM"
    if int(parts[0]) > 23 or int(parts[1]) > 59:
        return "must be a time between 00:00 and 24:00"
    return None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email_error(value: str) -> str | None:
    return None if _EMAIL.match(value) else "is not an e-mail address"


def _domain_error(value: str) -> str | None:
    return (
        None
        if valid_domain_pattern(value)
        else "is not a domain pattern (example.com, *.example.com, 10.0.0.0/8)"
    )


# --- per type ------------------------------------------------------------------------------


def _approval_fields(c: _Cleaner, *, with_defaults: bool) -> None:
    default = (lambda v: v) if with_defaults else (lambda v: _MISSING)
    c.integer("approval_timeout", default=default(3600), minimum=10, maximum=MAX_APPROVAL_TIMEOUT)
    c.choice("required_role", APPROVER_ROLES, default=default("reviewer"))
    c.choice("on_timeout", ON_TIMEOUT_CHOICES, default=default("deny"))
    c.integer("approvers_required", default=default(1), minimum=1, maximum=10)
    c.integer("escalate_after", minimum=10, maximum=MAX_APPROVAL_TIMEOUT)
    c.string_list("escalation_contacts", max_items=20, max_length=254, item_check=_email_error)
    timeout, escalate = c.out.get("approval_timeout"), c.out.get("escalate_after")
    if timeout is not None and escalate is not None and escalate >= timeout:
        c.error("escalate_after", "must be shorter than approval_timeout")


def _cost_limit(c: _Cleaner) -> None:
    c.decimal("max_cost_per_call", required=True)
    c.boolean("require_estimate")


def _record_count_limit(c: _Cleaner) -> None:
    c.integer("max_records", required=True, minimum=1, maximum=10**9)
    c.string("input_field", default="limit", max_length=100)
    c.string("sql_field", default="query", max_length=100)
    c.string("output_field", max_length=100)
    c.boolean("require_limit")


def _pii_access(c: _Cleaner) -> None:
    c.string_list(
        "denied_pii_types", required=True, non_empty=True, choices=PII_TYPES, transform=str.lower
    )
    c.choice("scan", SCAN_CHOICES, default="both")


def _prompt_injection(c: _Cleaner) -> None:
    c.choice("sensitivity", tuple(SENSITIVITY_THRESHOLDS), default="medium")
    c.choice("scan", SCAN_CHOICES, default="both")
    c.number("min_score", minimum=0.05, maximum=1)


def _action_approval(c: _Cleaner) -> None:
    c.string_list("restricted_actions", required=True, non_empty=True, max_length=100)


def _external_api(c: _Cleaner) -> None:
    c.string_list("allowed_domains", default=[], item_check=_domain_error, transform=str.lower)
    c.string_list("denied_domains", default=[], item_check=_domain_error, transform=str.lower)
    c.string_list("allowed_methods", default=[], choices=HTTP_METHODS, transform=str.upper)
    c.string("method_field", default="method", max_length=100)
    c.boolean("require_https")
    if not c.errors and not (
        c.out["allowed_domains"] or c.out["denied_domains"] or c.out["allowed_methods"]
    ):
        c.error("allowed_domains", "set allowed_domains, denied_domains or allowed_methods")


def _data_restriction(c: _Cleaner) -> None:
    c.string_list("restricted_words", default=[], max_length=200)
    c.string_list(
        "restricted_patterns",
        default=[],
        max_items=MAX_PATTERNS,
        max_length=1000,
        item_check=pattern_error,
    )
    c.choice("scan", SCAN_CHOICES, default="both")
    if not c.errors and not (c.out["restricted_words"] or c.out["restricted_patterns"]):
        c.error("restricted_words", "set restricted_words or restricted_patterns")


def _access_rule(c: _Cleaner, index: int, rule: Any) -> dict[str, Any] | None:
    name = f"rules[{index}]"
    if not isinstance(rule, dict):
        c.error(name, "must be an object")
        return None
    sub = _Cleaner(rule, prefix=f"{c.prefix}.{name}")
    sub.string_list("agents", default=["*"], non_empty=True, max_length=200)
    sub.string_list("tools", default=["*"], non_empty=True, max_length=200)
    sub.choice("effect", ("allow", "deny"), default="allow")
    sub.string_list("environments", default=[], max_length=64)
    windows = sub._get("time_windows", False)
    cleaned_windows: list[dict[str, Any]] = []
    if windows is not _MISSING:
        if not isinstance(windows, list):
            sub.error("time_windows", "must be a list of {days, start, end}")
        else:
            for j, window in enumerate(windows):
                if not isinstance(window, dict):
                    sub.error(f"time_windows[{j}]", "must be an object")
                    continue
                w = _Cleaner(window, prefix=f"{sub.prefix}.time_windows[{j}]")
                w.string_list(
                    "days",
                    default=list(DAYS),
                    non_empty=True,
                    choices=DAYS,
                    transform=lambda d: d.lower()[:3],
                )
                w.string("start", default="00:00", max_length=5, check=_hhmm_error)
                w.string("end", default="24:00", max_length=5, check=_hhmm_error)
                if not w.errors and w.out["start"] == w.out["end"]:
                    w.error("end", "must differ from start")
                try:
                    cleaned_windows.append(w.finish())
                except ThresholdError as exc:
                    for key, messages in exc.errors.items():
                        sub.errors.setdefault(key, []).extend(messages)
    sub.out["time_windows"] = cleaned_windows
    try:
        return sub.finish()
    except ThresholdError as exc:
        for key, messages in exc.errors.items():
            c.errors.setdefault(key, []).extend(messages)
        return None


def _access_control(c: _Cleaner) -> None:
    rules = c._get("rules", True)
    if rules is not _MISSING:
        if not isinstance(rules, list) or not rules:
            c.error("rules", "must be a non-empty list of rules")
        elif len(rules) > 200:
            c.error("rules", "must have at most 200 rules")
        else:
            cleaned = [_access_rule(c, i, r) for i, r in enumerate(rules)]
            c.out["rules"] = [r for r in cleaned if r is not None]
    c.choice("default", ("deny", "allow"), default="deny")
    c.timezone()


def _budget_cap(c: _Cleaner) -> None:
    c.decimal("amount", required=True)
    c.choice("period", PERIODS, default="month")
    c.choice("scope", SCOPES, default="organisation")
    c.decimal("default_estimate", default="0", allow_zero=True)
    c.timezone()


def _quality_threshold(c: _Cleaner) -> None:
    c.number("min_score", required=True, minimum=-1e9, maximum=1e9)
    c.string("score_field", default="quality_score", max_length=100)
    c.choice("missing", ("ignore", "violate"), default="ignore")


def _output_classification(c: _Cleaner) -> None:
    c.choice("max_level", LEVELS, required=True)
    extra = c._get("extra_markers", False)
    if extra is not _MISSING:
        if not isinstance(extra, dict):
            c.error("extra_markers", "must map a level to a list of phrases")
        else:
            sub = _Cleaner(extra, prefix=f"{c.prefix}.extra_markers")
            for level in LEVELS:
                sub.string_list(level, max_length=200)
            try:
                c.out["extra_markers"] = sub.finish()
            except ThresholdError as exc:
                c.errors.update(exc.errors)


def _custom(c: _Cleaner) -> None:
    c.string("rule", required=True, max_length=2000)
    c.choice("fail_mode", ("open", "closed"), default="closed")
    c.choice("scan", SCAN_CHOICES, default="both")
    c.number("timeout", minimum=0.1, maximum=60)


_CLEANERS: dict[str, Callable[[_Cleaner], None]] = {
    PolicyType.COST_LIMIT: _cost_limit,
    PolicyType.RECORD_COUNT_LIMIT: _record_count_limit,
    PolicyType.PII_ACCESS: _pii_access,
    PolicyType.PROMPT_INJECTION: _prompt_injection,
    PolicyType.ACTION_APPROVAL: _action_approval,
    PolicyType.EXTERNAL_API: _external_api,
    PolicyType.DATA_RESTRICTION: _data_restriction,
    PolicyType.ACCESS_CONTROL: _access_control,
    PolicyType.BUDGET_CAP: _budget_cap,
    PolicyType.QUALITY_THRESHOLD: _quality_threshold,
    PolicyType.OUTPUT_CLASSIFICATION: _output_classification,
    PolicyType.CUSTOM: _custom,
}


def clean_threshold(policy_type: str, threshold: Any) -> dict[str, Any]:
    """Validate ``threshold`` for ``policy_type``; return the cleaned config."""
    if policy_type not in _CLEANERS:
        raise ThresholdError({"type": [f"must be one of: {', '.join(PolicyType.values)}"]})
    if threshold is None:
        threshold = {}
    if not isinstance(threshold, dict):
        raise ThresholdError({"threshold": ["must be a JSON object"]})
    cleaner = _Cleaner(threshold)
    _CLEANERS[policy_type](cleaner)
    _approval_fields(cleaner, with_defaults=policy_type == PolicyType.ACTION_APPROVAL)
    return cleaner.finish()


def phase_error(policy_type: str, phase: str) -> str | None:
    if phase not in Phase.values:
        return f"must be one of: {', '.join(Phase.values)}"
    allowed = supported_phases(policy_type)
    if phase not in allowed:
        names = ", ".join(p for p in Phase.values if p in allowed)
        return f"{policy_type} policies support the phase(s): {names}"
    return None


def clean_policy_config(policy_type: str, phase: str, threshold: Any) -> dict[str, Any]:
    """Validate type + phase + threshold together; errors for all fields at once."""
    errors: dict[str, list[str]] = {}
    if policy_type not in PolicyType.values:
        raise ThresholdError({"type": [f"must be one of: {', '.join(PolicyType.values)}"]})
    message = phase_error(policy_type, phase)
    if message:
        errors["phase"] = [message]
    try:
        cleaned = clean_threshold(policy_type, threshold)
    except ThresholdError as exc:
        errors.update(exc.errors)
        cleaned = {}
    if errors:
        raise ThresholdError(errors)
    return cleaned
