"""A valid threshold for each policy type (what the policies app's validator accepts): the
compliance tests' policies and ``bench/report.py``'s demo organisation are made with these."""

THRESHOLDS = {
    "cost_limit": {"max_cost_per_call": "2.00"},
    "record_count_limit": {"max_records": 500},
    "pii_access": {"denied_pii_types": ["ssn", "email"]},
    "prompt_injection": {},
    "action_approval": {"restricted_actions": ["payments.*"]},
    "external_api": {"allowed_domains": ["api.example.com"]},
    "data_restriction": {"restricted_words": ["salary"]},
    "access_control": {
        "rules": [{"agents": ["*"], "tools": ["*.delete"], "effect": "deny"}],
        "default": "allow",
    },
    "budget_cap": {"amount": "1000"},
    "quality_threshold": {"min_score": 0.7},
    "output_classification": {"max_level": "internal"},
    "custom": {"rule": "Never give legal advice."},
}
