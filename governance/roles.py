"""Roles and what each may do: the single source of the rights table in docs/roles.md.

A capability is granted by role; a few capabilities are additionally narrowed per agent with
django-guardian object permissions (see ``AGENT_PERMISSIONS``).
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    COMPLIANCE_OFFICER = "compliance_officer", "Compliance officer"
    REVIEWER = "reviewer", "Reviewer"
    DEVELOPER = "developer", "Developer"


OWN, ADM, CO, REV, DEV = (
    Role.OWNER,
    Role.ADMIN,
    Role.COMPLIANCE_OFFICER,
    Role.REVIEWER,
    Role.DEVELOPER,
)

# capability -> (roles that hold it, one-line description for the table in docs/roles.md)
CAPABILITIES: dict[str, tuple[frozenset[Role], str]] = {
    "organisation.manage": (frozenset({OWN}), "Change plan, retention, webhook and agent settings"),
    "members.manage": (frozenset({OWN, ADM}), "Invite members, change roles, remove members"),
    "keys.manage": (frozenset({OWN, ADM}), "Create and revoke any API key of the organisation"),
    "keys.manage_agent": (
        frozenset({OWN, ADM, DEV}),
        "Create and revoke keys bound to an agent (developers: agents they own or hold `manage_keys` on)",
    ),
    "agents.manage": (
        frozenset({OWN, ADM, DEV}),
        "Register and edit agents (developers: agents they own)",
    ),
    "policies.manage": (
        frozenset({OWN, ADM, CO}),
        "Create, change and delete policies; policy API keys",
    ),
    "reports.manage": (
        frozenset({OWN, ADM, CO}),
        "Generate compliance reports and edit control mappings",
    ),
    "audit.read": (frozenset({OWN, ADM, CO}), "Read the audit log"),
    "traces.read": (frozenset({OWN, ADM, CO, REV, DEV}), "Read traces and verify the ledger"),
    "approvals.decide": (
        frozenset({OWN, ADM, REV}),
        "Decide approvals (reviewers: only for agents they hold `decide_approvals` on)",
    ),
    "dsr.manage": (
        frozenset({OWN, ADM}),
        "File, act on and complete data-subject requests; privacy API keys",
    ),
    "dsr.read": (frozenset({OWN, ADM, CO}), "Read data-subject requests and their certificates"),
    "admin.access": (frozenset({OWN, ADM, CO, DEV}), "Log into the admin console"),
}

# What each role is for, in a line: shown under the role where a member is invited or changed
# (the table above, per capability, is docs/roles.md). A test keeps one line per role.
ROLE_SUMMARIES: dict[Role, str] = {
    OWN: "everything, including the plan, retention and who is an owner",
    ADM: "members, API keys, agents, policies, approvals and privacy requests; not owners",
    CO: "policies, compliance reports, the ledger and the audit log; reads privacy requests",
    REV: "decides approvals, only for the agents they are named on (each agent's page, "
    "Reviewers); works in the approval queue, not the console",
    DEV: "registers their own agents and makes their keys; reads the ledger",
}

# Capabilities that a role holds only per agent, through a django-guardian object permission.
# Owners and admins hold them on every agent of their organisation.
AGENT_PERMISSIONS: dict[str, str] = {
    "approvals.decide": "decide_approvals",
    "keys.manage_agent": "manage_keys",
    "agents.manage": "manage_keys",
}
ORGANISATION_WIDE_ROLES = frozenset({OWN, ADM})


def roles_with(capability: str) -> frozenset[Role]:
    return CAPABILITIES[capability][0]


def role_allows(role: str | None, capability: str) -> bool:
    return role is not None and role in roles_with(capability)
