"""What /docs/ shows besides the SDK READMEs: each policy type with an example setting.

The examples are checked by the tests against ``policies.thresholds.clean_threshold``, so the
page cannot drift from what the server accepts."""

from __future__ import annotations

from policies.types import PolicyType

POLICY_EXAMPLES: dict[str, tuple[str, str, dict]] = {
    # type: (what it checks, suggested mode and phase, example threshold)
    PolicyType.COST_LIMIT: (
        "Refuses a call whose estimated (before) or reported (after) cost exceeds a limit.",
        "block · input",
        {"max_cost_per_call": "0.50", "require_estimate": False},
    ),
    PolicyType.RECORD_COUNT_LIMIT: (
        "Caps how many records a query may ask for or return.",
        "block · input",
        {"max_records": 1000, "input_field": "limit", "sql_field": "query"},
    ),
    PolicyType.PII_ACCESS: (
        "Finds personal data (e-mail addresses, card numbers, national ids…) in inputs or outputs.",
        "require_approval · both",
        {"denied_pii_types": ["email", "credit_card"], "scan": "both"},
    ),
    PolicyType.PROMPT_INJECTION: (
        "Scores text for instructions that try to override the agent's own.",
        "block · input",
        {"sensitivity": "medium", "scan": "input"},
    ),
    PolicyType.ACTION_APPROVAL: (
        "Pauses dangerous tools until a person approves.",
        "require_approval · input",
        {"restricted_actions": ["file.delete", "payments.refund"], "approval_timeout": 900},
    ),
    PolicyType.EXTERNAL_API: (
        "Allows or denies outbound HTTP by domain and method.",
        "block · input",
        {"allowed_domains": ["api.stripe.com", "*.example.com"], "require_https": True},
    ),
    PolicyType.DATA_RESTRICTION: (
        "Blocks words or regular expressions in inputs or outputs.",
        "block · both",
        {"restricted_words": ["project-falcon"], "restricted_patterns": [r"\bACC-\d{6}\b"]},
    ),
    PolicyType.ACCESS_CONTROL: (
        "Which agents may use which tools, and when.",
        "block · input",
        {
            "rules": [
                {
                    "agents": ["billing-bot"],
                    "tools": ["payments.*"],
                    "effect": "allow",
                    "time_windows": [
                        {
                            "days": ["mon", "tue", "wed", "thu", "fri"],
                            "start": "08:00",
                            "end": "18:00",
                        }
                    ],
                }
            ],
            "default": "deny",
            "timezone": "Europe/London",
        },
    ),
    PolicyType.BUDGET_CAP: (
        "Keeps total spend within a cap per day, week or month, for the organisation or per agent.",
        "block · input",
        {"amount": "500.00", "period": "month", "scope": "agent", "default_estimate": "0.05"},
    ),
    PolicyType.QUALITY_THRESHOLD: (
        "Flags outputs whose quality score (reported by your evaluator) is too low.",
        "warn · output",
        {"min_score": 0.7, "score_field": "quality_score", "missing": "ignore"},
    ),
    PolicyType.OUTPUT_CLASSIFICATION: (
        "Stops outputs above a classification level (public, internal, confidential, restricted).",
        "block · output",
        {"max_level": "internal", "extra_markers": {"confidential": ["board minutes"]}},
    ),
    PolicyType.CUSTOM: (
        "A rule in plain English judged by an LLM at your configured endpoint (offline judge without one).",
        "require_approval · input",
        {"rule": "Refunds above 100 EUR need a person's approval.", "fail_mode": "closed"},
    ),
}

MODES = [
    ("block", "The call is refused; the SDK raises ActionBlocked and records a blocked trace."),
    ("require_approval", "The call waits for a person's decision in the approval queue."),
    ("warn", "The call runs; the SDK logs the violation and the ledger records it."),
    ("monitor", "Recorded in the ledger only; the agent never sees it. Use it to try a policy."),
]
