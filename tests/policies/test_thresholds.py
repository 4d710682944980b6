"""Threshold validation per type, and the regular-expression guard."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from policies.regex_safety import (
    _REQUIRED_OK,
    MATCH_TIMEOUT,
    TimedOut,
    _regex,
    compile_guarded,
    guarded_search,
    pattern_error,
    required_literal,
)
from policies.thresholds import ThresholdError, clean_policy_config, clean_threshold
from policies.types import PolicyType

VALID = {
    "cost_limit": {"max_cost_per_call": "0.50"},
    "record_count_limit": {"max_records": 100, "input_field": "limit"},
    "pii_access": {"denied_pii_types": ["ssn", "credit_card"], "scan": "both"},
    "prompt_injection": {"sensitivity": "high"},
    "action_approval": {"restricted_actions": ["delete", "export"], "approval_timeout": 900},
    "external_api": {"allowed_domains": ["*.example.com"], "allowed_methods": ["get"]},
    "data_restriction": {
        "restricted_words": ["merger"],
        "restricted_patterns": [r"\bACCT-\d{6}\b"],
    },
    "access_control": {
        "rules": [{"agents": ["ops-*"], "tools": ["deploy.*"], "environments": ["staging"]}]
    },
    "budget_cap": {"amount": 250, "period": "month", "scope": "agent"},
    "quality_threshold": {"min_score": 0.8},
    "output_classification": {"max_level": "internal"},
    "custom": {"rule": "Never email anyone outside example.com", "fail_mode": "open"},
}


def errors_of(policy_type, threshold):
    with pytest.raises(ThresholdError) as exc:
        clean_threshold(policy_type, threshold)
    return exc.value.errors


def test_every_type_has_a_valid_example():
    assert set(VALID) == set(PolicyType.values)
    for policy_type, threshold in VALID.items():
        clean_threshold(policy_type, threshold)


def test_defaults_are_filled_in_and_values_normalised():
    assert clean_threshold("action_approval", {"restricted_actions": ["delete", "delete"]}) == {
        "restricted_actions": ["delete"],
        "approval_timeout": 3600,
        "required_role": "reviewer",
        "on_timeout": "deny",
        "approvers_required": 1,
    }
    assert clean_threshold("cost_limit", {"max_cost_per_call": 0.1})["max_cost_per_call"] == "0.1"
    assert clean_threshold("external_api", VALID["external_api"])["allowed_methods"] == ["GET"]


@pytest.mark.parametrize(
    ("policy_type", "threshold", "expected"),
    [
        (
            "cost_limit",
            {"max_cost_per_call": -1},
            {"threshold.max_cost_per_call": ["must be a positive decimal"]},
        ),
        (
            "cost_limit",
            {"max_cost_per_call": "ten"},
            {"threshold.max_cost_per_call": ["must be a positive decimal"]},
        ),
        (
            "cost_limit",
            {"max_cost_per_call": True},
            {"threshold.max_cost_per_call": ["must be a positive decimal"]},
        ),
        ("cost_limit", {}, {"threshold.max_cost_per_call": ["this field is required"]}),
        (
            "cost_limit",
            {"max_cost_per_call": 1, "max_cost": 2},
            {"threshold.max_cost": ["unknown field"]},
        ),
        (
            "record_count_limit",
            {"max_records": 0},
            {"threshold.max_records": ["must be at least 1"]},
        ),
        (
            "record_count_limit",
            {"max_records": 1.5},
            {"threshold.max_records": ["must be a whole number"]},
        ),
        (
            "pii_access",
            {"denied_pii_types": []},
            {"threshold.denied_pii_types": ["must not be empty"]},
        ),
        (
            "pii_access",
            {"denied_pii_types": ["ssn", "dna"]},
            {
                "threshold.denied_pii_types[1]": [
                    "'dna' is not one of: ssn, credit_card, email, phone, iban, ip_address, us_passport, date_of_birth"
                ]
            },
        ),
        (
            "prompt_injection",
            {"sensitivity": "extreme"},
            {"threshold.sensitivity": ["must be one of: low, medium, high"]},
        ),
        (
            "action_approval",
            {"restricted_actions": ["x"], "required_role": "ceo"},
            {
                "threshold.required_role": [
                    "must be one of: owner, admin, compliance_officer, reviewer, developer"
                ]
            },
        ),
        (
            "action_approval",
            {"restricted_actions": ["x"], "approval_timeout": 5},
            {"threshold.approval_timeout": ["must be at least 10"]},
        ),
        (
            "action_approval",
            {"restricted_actions": ["x"], "escalate_after": 4000},
            {"threshold.escalate_after": ["must be shorter than approval_timeout"]},
        ),
        (
            "external_api",
            {"allowed_domains": ["exa mple.com"]},
            {
                "threshold.allowed_domains[0]": [
                    "is not a domain pattern (example.com, *.example.com, 10.0.0.0/8)"
                ]
            },
        ),
        (
            "external_api",
            {},
            {
                "threshold.allowed_domains": [
                    "set allowed_domains, denied_domains or allowed_methods"
                ]
            },
        ),
        (
            "data_restriction",
            {},
            {"threshold.restricted_words": ["set restricted_words or restricted_patterns"]},
        ),
        (
            "data_restriction",
            {"restricted_patterns": ["(unclosed"]},
            {
                "threshold.restricted_patterns[0]": [
                    "is not a valid regular expression: missing ), unterminated subpattern"
                ]
            },
        ),
        (
            "access_control",
            {"rules": []},
            {"threshold.rules": ["must be a non-empty list of rules"]},
        ),
        (
            "access_control",
            {
                "rules": [{"effect": "maybe", "time_windows": [{"start": "9am"}]}],
                "timezone": "Nowhere/City",
            },
            {
                "threshold.rules[0].effect": ["must be one of: allow, deny"],
                "threshold.rules[0].time_windows[0].start": ["must be a time as HH:MM"],
                "threshold.timezone": [
                    "is not a known time zone (use an IANA name such as Europe/Paris)"
                ],
            },
        ),
        ("budget_cap", {"amount": "0"}, {"threshold.amount": ["must be a positive decimal"]}),
        (
            "budget_cap",
            {"amount": 5, "period": "year"},
            {"threshold.period": ["must be one of: day, week, month"]},
        ),
        ("quality_threshold", {"min_score": "high"}, {"threshold.min_score": ["must be a number"]}),
        (
            "output_classification",
            {"max_level": "secret"},
            {"threshold.max_level": ["must be one of: public, internal, confidential, restricted"]},
        ),
        (
            "output_classification",
            {"max_level": "public", "extra_markers": {"secret": ["x"]}},
            {"threshold.extra_markers.secret": ["unknown field"]},
        ),
        ("custom", {"rule": "  "}, {"threshold.rule": ["must be a non-empty string"]}),
        (
            "custom",
            {"rule": "x", "fail_mode": "sideways"},
            {"threshold.fail_mode": ["must be one of: open, closed"]},
        ),
    ],
)
def test_errors_name_the_field(policy_type, threshold, expected):
    assert errors_of(policy_type, threshold) == expected


def test_threshold_must_be_an_object():
    assert errors_of("cost_limit", ["x"]) == {"threshold": ["must be a JSON object"]}


def test_phase_is_checked_with_the_type():
    with pytest.raises(ThresholdError) as exc:
        clean_policy_config("quality_threshold", "input", {"min_score": 1})
    assert exc.value.errors == {
        "phase": ["quality_threshold policies support the phase(s): output"]
    }
    with pytest.raises(ThresholdError) as exc:
        clean_policy_config("nope", "input", {})
    assert list(exc.value.errors) == ["type"]
    assert clean_policy_config("pii_access", "both", {"denied_pii_types": ["email"]})


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a+)+$",
        r"(\w+\s?)*$",
        r"(a|ab)*c",
        r"(x{1,9})+",
        r"\d+\d+",
        r".*.*=",
        r"(a?)*",
        r"(a)\1",
        "a" * 501,
    ],
)
def test_dangerous_patterns_are_refused(pattern):
    assert pattern_error(pattern) is not None
    with pytest.raises(ThresholdError) as exc:
        clean_threshold("data_restriction", {"restricted_patterns": [pattern]})
    assert "threshold.restricted_patterns[0]" in exc.value.errors


@pytest.mark.parametrize(
    "pattern",
    [
        r"\bproject\s+falcon\b",
        r"\d{3}-\d{2}-\d{4}",
        r"(?:\d{1,3}\.){3}\d{1,3}",
        r"(?:ab|cd)+",
        r"\w+@\w+\.com",
        r"(?i)secret",
    ],
)
def test_ordinary_patterns_are_accepted(pattern):
    assert pattern_error(pattern) is None


def test_guarded_search_stays_fast_on_adversarial_input():
    start = time.perf_counter()
    assert guarded_search(r".*secret", "x" * 200_000) is False
    assert guarded_search(r"[a-z]+@", "a" * 200_000) is False
    assert time.perf_counter() - start < 2.0


def _steps_of_another_thread_during(search) -> int:
    """How far another busy thread gets while ``search`` runs in this one. With a switch
    interval of 1 s this thread keeps the GIL unless ``search`` lets it go."""
    steps = 0
    go, stop = threading.Event(), threading.Event()

    def step() -> None:
        nonlocal steps
        go.wait()
        while not stop.is_set():
            steps += 1

    other = threading.Thread(target=step, daemon=True)
    other.start()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1.0)
    try:
        go.set()
        search()
        return steps
    finally:
        sys.setswitchinterval(interval)
        stop.set()
        other.join()


@pytest.mark.skipif(_regex is None, reason="the regex module is not installed")
def test_guarded_search_time_limit_holds_while_keeping_the_gil():
    """A pattern that backtracks without end still stops at the time limit and counts as a
    match (``TimedOut``), and no other thread runs meanwhile: the search keeps the GIL
    (``concurrent=False``; with ``regex``'s default the other thread runs for the whole search)."""

    def search() -> None:
        start = time.perf_counter()
        with pytest.raises(TimedOut):
            guarded_search(r"(a|aa)+$", "a" * 5000 + "b")
        assert time.perf_counter() - start < 20 * MATCH_TIMEOUT

    assert _steps_of_another_thread_during(search) == 0


SHORTCUT_PATTERNS = [
    r"\bACCT-\d{8}\b", r"\bIBAN\s*:", r"(?i)\bdrop\s+table\b", r"(?i:drop)\s+TABLE",
    r"(?:foo){e<=1}", r"(?r)abc", r"abc|abd", r"[[:alpha:]]x", r"(?fi)strasse",
    r"(?i)caf\u00e9", r"a(?=bcd)", r"ab+c", r"(?i)K", r"(?i)s", r"(?:abc)?def",
    r"(?i)ſ", r"(?i)straße", r"(?i)hello(?-i:World)", r"\d{3}-\d{2}-\d{4}",
]  # fmt: skip
SHORTCUT_TEXTS = [
    "The straße and STRASSE", "ACCT-12345678 here", "iban: DE89", "IBAN : x",
    "DROP   TABLE users", "drop table", "Kelvin \u212a", "ſecret", "café CAFÉ",
    "nothing at all", "fo fooo", "ab abbbc abd", "HELLOWorld helloworld", "123-45-6789",
]  # fmt: skip


@pytest.mark.skipif(_regex is None, reason="the regex module is not installed")
def test_guarded_search_literal_shortcut_answers_as_the_search():
    """A text without the literal every match holds is answered without searching; the
    answer is the search's on every pair, case folding and fuzzy patterns included."""
    assert _REQUIRED_OK  # regex's compiled state still reads as expected
    assert required_literal(r"\bACCT-\d{8}\b") == ("ACCT-", False)
    assert required_literal(r"(?i)\bdrop\s+table\b") == ("drop", True)
    assert required_literal(r"(?i)caf\u00e9") is None  # non-ASCII under IGNORECASE
    assert required_literal(r"(?:ab)?\d+") is None
    for pattern in SHORTCUT_PATTERNS:
        compiled = compile_guarded(pattern)
        for text in SHORTCUT_TEXTS:
            expected = compiled.search(text) is not None
            assert guarded_search(pattern, text) is expected, (pattern, text)
