"""A deterministic sample report, for designing the renderers and for their tests.

The numbers describe a plausible organisation (16 agents, 30 policies, one
million ledger entries) and go through the same assessment code as real
reports (``compliance.assess``), so the sample shows exactly what a generated
report looks like. The content is flagged ``"sample": true`` and the PDF says so
on every page.
"""

from __future__ import annotations

from typing import Any

from compliance.applicability import (
    applicability_facts,
    cap_hipaa_standards,
    not_applicable_entry,
    not_applicable_reason,
)
from compliance.assess import GAP, NOT_TESTED, PARTIAL, SUPPORTS, RuleResult, assess_control
from compliance.catalog import Catalog, default_catalog
from compliance.content import build_content

HIGH_RISK = ["claims-agent", "credit-scoring", "triage-assistant"]


def _metric(label: str, value: Any) -> dict[str, Any]:
    return {"kind": "metric", "label": label, "value": str(value)}


def _table(label: str, columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {
        "kind": "table",
        "label": label,
        "columns": columns,
        "rows": [[str(v) for v in r] for r in rows],
    }


BLOCKED_SAMPLE = _table(
    "Sample of blocked actions (5 of 37 in the period)",
    ["When (UTC)", "Agent", "Tool", "Reason"],
    [
        ["2025-06-03 09:14", "support-bot", "crm.lookup", "E-mail address and IBAN in input"],
        ["2025-06-07 16:02", "claims-agent", "database.query", "US SSN in query parameters"],
        ["2025-06-11 11:47", "support-bot", "email.send", "Health data in outbound message"],
        ["2025-06-19 08:31", "research-agent", "web.post", "Passport number in request body"],
        ["2025-06-26 14:55", "claims-agent", "files.export", "Date of birth with full name"],
    ],
)


def _results() -> dict[str, RuleResult]:
    uncovered = "billing-bot, crm-sync"
    return {
        "policy.pii_access": RuleResult(
            PARTIAL,
            "pii_access policy \u201cPII guard\u201d (v3) active in block mode on 12 of 14 active agents; "
            f"2 agents uncovered: {uncovered}.",
            [
                _metric("Active agents covered", "12 of 14"),
                _metric("Calls blocked for personal data in the period", "37"),
                BLOCKED_SAMPLE,
            ],
            [f"Extend \u201cPII guard\u201d to {uncovered}, or scope it to all agents."],
        ),
        "policy.record_count_limit": RuleResult(
            SUPPORTS,
            "record_count_limit policy \u201cBulk read cap\u201d (max 500 records) active in block mode on all 14 active agents.",
            [
                _metric("Active agents covered", "14 of 14"),
                _metric("Calls blocked in the period", "6"),
            ],
        ),
        "policy.prompt_injection": RuleResult(
            SUPPORTS,
            "prompt_injection policy \u201cInjection shield\u201d active in block mode on all 14 active agents.",
            [
                _metric("Active agents covered", "14 of 14"),
                _metric("Injection attempts blocked", "212"),
            ],
        ),
        "policy.action_approval": RuleResult(
            SUPPORTS,
            "action_approval policy \u201cPayments need a human\u201d requires approval for payments.* and *.delete "
            "on all 14 active agents.",
            [
                _metric("Active agents covered", "14 of 14"),
                _metric("Actions paused for approval", "128"),
            ],
        ),
        "policy.external_api": RuleResult(
            GAP,
            "No external_api policy is enabled: agents may send data to any external service.",
            [_metric("external_api policies enabled", "0")],
            [
                "Create an external_api policy listing approved external services per agent and blocking all others."
            ],
        ),
        "policy.data_restriction": RuleResult(
            PARTIAL,
            "data_restriction policy \u201cFinance tables\u201d covers 14 of 14 active agents but runs in monitor mode: "
            "41 violations were recorded and none were stopped.",
            [_metric("Mode", "monitor"), _metric("Violations recorded, not enforced", "41")],
            [
                "Switch \u201cFinance tables\u201d from monitor to block mode after reviewing its 41 recorded violations."
            ],
        ),
        "policy.access_control": RuleResult(
            SUPPORTS,
            "3 access_control policies in block mode cover all 14 active agents (deny *.delete outside ops-agent).",
            [
                _metric("Active agents covered", "14 of 14"),
                _metric("Calls blocked in the period", "19"),
            ],
        ),
        "policy.cost_limit": RuleResult(
            SUPPORTS,
            "cost_limit policy (max 2.00 per call) active in block mode on all 14 active agents.",
            [_metric("Active agents covered", "14 of 14")],
        ),
        "policy.budget_cap": RuleResult(
            GAP,
            "No budget_cap policy is enabled.",
            [_metric("budget_cap policies enabled", "0")],
            ["Create a monthly budget_cap per agent."],
        ),
        "policy.quality_threshold": RuleResult(
            PARTIAL,
            "quality_threshold policy \u201cAnswer confidence \u2265 0.7\u201d runs in warn mode on 5 of 14 active agents.",
            [_metric("Active agents covered", "5 of 14"), _metric("Mode", "warn")],
            [
                "Apply \u201cAnswer confidence \u2265 0.7\u201d to the 9 uncovered agents and consider block mode for customer-facing ones."
            ],
        ),
        "policy.output_classification": RuleResult(
            GAP,
            "No output_classification policy is enabled: agent output is not classified before it leaves.",
            [_metric("output_classification policies enabled", "0")],
            [
                "Create an output_classification policy in block mode for agents whose output leaves the organisation."
            ],
        ),
        "policy.custom": RuleResult(
            SUPPORTS,
            "2 custom policies enabled (fail-closed): \u201cNo legal advice\u201d, \u201cNo refunds over 500\u201d.",
            [_metric("Custom policies enabled", "2")],
        ),
        "policy.program": RuleResult(
            SUPPORTS,
            "30 policies enabled across 10 policy types; 24 enforce (block or require approval), 6 monitor or warn.",
            [
                _metric("Policies enabled", "30"),
                _metric("Enforcing (block / require approval)", "24"),
                _metric("Policy changes in the period", "37"),
            ],
        ),
        "ledger.integrity": RuleResult(
            SUPPORTS,
            "Ledger verified intact: 1,000,000 entries checked, no break; latest signed checkpoint at entry 999,872.",
            [
                _metric("Entries verified", "1,000,000"),
                _metric("First break", "none"),
                _metric("Entries recorded in the period", "412,306"),
            ],
        ),
        "retention.high_risk_logs": RuleResult(
            GAP,
            "Ledger retention on the Pro plan is 90 days, shorter than 6 calendar months (184 days for entries "
            "recorded in this period) for the logs of 3 high-risk agents: claims-agent, credit-scoring, triage-assistant.",
            [
                _metric("Retention", "90 days"),
                _metric(
                    "Required", "\u2265 184 days (6 calendar months from every day of the period)"
                ),
                _metric("High-risk agents", "3"),
            ],
            [
                "Move to a plan with at least 184 days of ledger retention, or export the ledger monthly "
                "and keep exports with their signed checkpoints for six months."
            ],
        ),
        "retention.storage_limitation": RuleResult(
            PARTIAL,
            "A finite retention period of 90 days applies, but its purpose is not documented: a number "
            "alone does not show the data is kept no longer than necessary.",
            [_metric("Retention", "90 days"), _metric("Documented retention purpose", "none")],
            [
                "Document why the ledger is kept for this period (Organisation settings, retention purpose)."
            ],
        ),
        "access.roles": RuleResult(
            PARTIAL,
            "9 members: 3 owners, 1 admin, 1 compliance officer, 2 reviewers, 2 developers. Three owners exceed "
            "the recommended two, and developer dana@example.com can decide approvals on 2 agents.",
            [
                _table(
                    "Members by role",
                    ["Role", "Members"],
                    [
                        ["Owner", 3],
                        ["Admin", 1],
                        ["Compliance officer", 1],
                        ["Reviewer", 2],
                        ["Developer", 2],
                    ],
                ),
            ],
            [
                "Reduce owners to two or fewer.",
                "Withdraw decide_approvals from developer dana@example.com (billing-bot, crm-sync) and grant it to a reviewer.",
            ],
        ),
        "access.api_keys": RuleResult(
            PARTIAL,
            "22 active API keys, all hashed and scoped; 18 bound to one agent. 4 keys have no expiry and 2 were not "
            "used in the last 30 days.",
            [
                _metric("Active keys", "22"),
                _metric("Bound to one agent", "18 of 22"),
                _table(
                    "Keys needing attention",
                    ["Prefix", "Name", "Issue"],
                    [
                        ["exk_live_7Hq2", "ci-deploy", "no expiry"],
                        ["exk_live_p0Zr", "legacy-etl", "no expiry; unused 64 days"],
                        ["exk_live_Q81m", "notebook", "no expiry"],
                        ["exk_live_aa4T", "ops-agent", "no expiry"],
                        ["exk_live_Vv9c", "old-support", "unused 41 days"],
                    ],
                ),
            ],
            [
                "Set an expiry on ci-deploy, legacy-etl, notebook and ops-agent.",
                "Revoke legacy-etl and old-support.",
            ],
        ),
        "oversight.approvals": RuleResult(
            SUPPORTS,
            "128 actions paused for approval: 119 approved, 7 denied, 2 expired; decided by 2 reviewers, median "
            "time to decision 3 min.",
            [
                _metric("Requested / decided / expired", "128 / 126 / 2"),
                _metric("Median time to decision", "3 min"),
                _table(
                    "Sample of decisions",
                    ["When (UTC)", "Agent", "Tool", "Decision", "By"],
                    [
                        [
                            "2025-06-02 10:01",
                            "billing-bot",
                            "payments.refund",
                            "approved",
                            "erin@example.com",
                        ],
                        [
                            "2025-06-09 15:40",
                            "ops-agent",
                            "storage.delete",
                            "denied",
                            "frank@example.com",
                        ],
                        [
                            "2025-06-21 09:12",
                            "billing-bot",
                            "payments.transfer",
                            "approved",
                            "erin@example.com",
                        ],
                    ],
                ),
            ],
        ),
        "dsr.access": RuleResult(
            SUPPORTS,
            "4 access requests received, all completed within 30 days (slowest: 6 days).",
            [_metric("Requests / completed in time", "4 / 4")],
        ),
        "dsr.rectification": RuleResult(
            NOT_TESTED,
            "No rectification request was received in the period, so the procedure could not be tested.",
        ),
        "dsr.erasure": RuleResult(
            SUPPORTS,
            "2 erasure requests completed in 1 and 3 days; 57 ledger payloads redacted, chain still verifies.",
            [_metric("Requests / completed in time", "2 / 2"), _metric("Payloads redacted", "57")],
        ),
        "dsr.portability": RuleResult(
            GAP,
            "1 portability request is 41 days old and still open (deadline 30 days).",
            [_metric("Open past deadline", "1")],
            [
                "Complete portability request DSR-0007 (received 2025-05-20) and tell the data subject of the delay."
            ],
        ),
        "audit.configuration_changes": RuleResult(
            SUPPORTS,
            "412 audit-log rows in the period by 6 people and 3 keys: 37 policy changes, 9 key changes, 4 membership changes.",
            [_metric("Audit-log rows in the period", "412")],
        ),
        "change.policy_history": RuleResult(
            SUPPORTS,
            "37 policy changes in the period, each versioned and attributed (29 via policy-as-code, 8 in the admin).",
            [_metric("Policy versions created", "37"), _metric("Unattributed changes", "0")],
        ),
        "inventory.agents": RuleResult(
            PARTIAL,
            "16 agents registered (14 active); 2 have no owner: legacy-etl, scratch-agent.",
            [_metric("Agents with owner and risk class", "14 of 16")],
            ["Assign owners to legacy-etl and scratch-agent, or deactivate them."],
        ),
        "monitoring.enforcement": RuleResult(
            SUPPORTS,
            "412,306 decisions recorded in the period: 3,112 blocked, 841 warned, 128 paused for approval.",
            [
                _metric("Decisions recorded", "412,306"),
                _metric("Blocked / warned / paused", "3,112 / 841 / 128"),
            ],
        ),
    }


def sample_content(framework_code: str = "soc2", catalog: Catalog | None = None) -> dict[str, Any]:
    catalog = catalog or default_catalog()
    framework = catalog.framework(framework_code)
    results = _results()
    controls = [
        not_applicable_entry(c, reason)
        if (reason := not_applicable_reason(c, ai_act_role="deployer", high_risk_agents=HIGH_RISK))
        else assess_control(
            framework=framework.code,
            control_id=c.id,
            title=c.title,
            section=c.section,
            links=catalog.links_for_control(framework.code, c.id),
            results=results,
        )
        for c in framework.controls
    ]
    cap_hipaa_standards(framework.controls, controls)
    rules = [
        {"id": r.id, "signal": r.signal, "rationale": r.rationale, "limits": r.limits}
        for r in catalog.rules_for_framework(framework.code)
    ]
    return build_content(
        framework=framework,
        organisation={
            "id": "1",
            "name": "Acme Health Ltd",
            "slug": "acme-health",
            "plan": "pro",
            "retention_days": 90,
            "ai_act_role": "deployer",
            "retention_purpose": "",
        },
        period={"start": "2025-06-01T00:00:00+00:00", "end": "2025-07-01T00:00:00+00:00"},
        generated_at="2025-07-01T02:00:00+00:00",
        generated_by="olivia@acme-health.example",
        controls=controls,
        rules=rules,
        scope=[
            {"label": "Agents at the end of the period (active / registered)", "value": "14 / 16"},
            {"label": "High-risk agents in the period (active or not)", "value": "3"},
            {"label": "Policies enabled (enforcing)", "value": "30 (24)"},
            {"label": "Ledger entries in the period", "value": "412,306"},
            {"label": "Ledger entries verified", "value": "1,000,000"},
            {"label": "Approvals requested", "value": "128"},
            {"label": "Members / active API keys", "value": "9 / 22"},
            {"label": "Data-subject requests", "value": "7"},
        ],
        ledger={
            "ok": True,
            "entries": 1000000,
            "first_break": None,
            "verified_at": "2025-07-01T01:59:41+00:00",
            "head": "9f2c4e71b0d85a3c6e18f7a2d4b9c05e13a8f6d27b4c9e01a5d3f8b2c7e6a4d1",
            "checkpoint": {
                "sequence": 999872,
                "entry_hash": "4b1d9a0e73c2f58d16a7e3b9c0f24d85a61e7b3c9d2f08a4e5b6c7d1f3a9e2b0",
                "created_at": "2025-07-01T01:58:00+00:00",
                "algorithm": "HMAC-SHA256",
                "key_id": "3f9a1c07d2b84e65",
                "signature": "b7e04c1d9a2f63e8d15c0a7f4e92b6d38c1f5a0e7d249b36c8e1a05f7d3c92e4",
            },
            "retention_checkpoint": {
                "removed": 1204118,
                "last_hash": "c0a8e2f4b6d81357e9f0a2c4b6d8e1f3a5c7e9b1d3f5a7c9e2b4d6f8a0c2e4b6",
                "at": "2025-06-30T03:00:00+00:00",
            },
        },
        applicability=applicability_facts(ai_act_role="deployer", high_risk_agents=HIGH_RISK)
        if framework.code == "eu_ai_act"
        else [],
        highlights=None,
        report_id="SAMPLE",
        sample=True,
    )
