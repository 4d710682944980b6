"""Every action the audit log records. Services pass a member, never a free string; the stored
values are the strings written before the enumeration existed, so old rows stay valid.

A new audited action is a new member here (no migration: ``AuditLog.action`` has no choices,
so apps can add members without touching governance's migrations)."""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    ORGANISATION_CREATED = "organisation.created", "Organisation created"
    ORGANISATION_UPDATED = "organisation.updated", "Organisation updated"
    ORGANISATION_RETENTION_CONFLICT = (
        "organisation.retention_conflict",
        "High-risk agent logs kept under six months (EU AI Act)",
    )
    MEMBERSHIP_ADDED = "membership.added", "Member added"
    MEMBERSHIP_ROLE_CHANGED = "membership.role_changed", "Member's role changed"
    MEMBERSHIP_REMOVED = "membership.removed", "Member removed"
    MEMBERSHIP_LEFT = "membership.left", "Member left"
    MEMBER_DATA_EXPORTED = "member.data_exported", "Member's own data exported"
    MEMBER_ERASED = "member.erased", "Member's personal data erased"
    AGENT_CREATED = "agent.created", "Agent created"
    AGENT_UPDATED = "agent.updated", "Agent updated"
    AGENT_AUTOREGISTERED = "agent.autoregistered", "Agent registered on first use"
    AGENT_PERMISSION_GRANTED = "agent.permission_granted", "Agent permission granted"
    AGENT_PERMISSION_REVOKED = "agent.permission_revoked", "Agent permission revoked"
    API_KEY_CREATED = "api_key.created", "API key created"
    API_KEY_REVOKED = "api_key.revoked", "API key revoked"
    API_KEY_ROTATED = "api_key.rotated", "API key rotated"
    DSR_RECEIVED = "dsr.received", "Data-subject request received"
    DSR_IDENTITY_VERIFIED = "dsr.identity_verified", "Data subject's identity verified"
    DSR_IN_PROGRESS = "dsr.in_progress", "Data-subject request started"
    DSR_EXTENDED = "dsr.extended", "Data-subject request deadline extended"
    DSR_ASSIGNED = "dsr.assigned", "Data-subject request assigned"
    DSR_NOTE_ADDED = "dsr.note_added", "Note added to a data-subject request"
    DSR_ERASED = "dsr.erased", "Data subject's data erased"
    DSR_BUNDLE_CREATED = "dsr.bundle_created", "Data-subject access bundle created"
    DSR_BUNDLE_DOWNLOADED = "dsr.bundle_downloaded", "Data-subject access bundle downloaded"
    DSR_RECTIFIED = "dsr.rectified", "Data subject's data rectified"
    DSR_COMPLETED = "dsr.completed", "Data-subject request completed"
    DSR_REJECTED = "dsr.rejected", "Data-subject request rejected"
    LEDGER_CHECKPOINT_SIGNED = "ledger.checkpoint_signed", "Ledger checkpoint signed"
    LEDGER_RETENTION_APPLIED = "ledger.retention_applied", "Ledger retention applied"
    LEDGER_ERASED = "ledger.erased", "Ledger payloads erased (data-subject request)"
    LEDGER_EXPORTED = "ledger.exported", "Ledger exported"
    LEDGER_VERIFICATION_REQUESTED = "ledger.verification_requested", "Ledger verification requested"
    POLICY_CREATED = "policy.created", "Policy created"
    POLICY_UPDATED = "policy.updated", "Policy updated"
    POLICY_DELETED = "policy.deleted", "Policy deleted"
    APPROVAL_REQUESTED = "approval.requested", "Approval requested"
    APPROVAL_APPROVED_PARTIALLY = "approval.approved_partially", "Approval partly approved"
    APPROVAL_APPROVED = "approval.approved", "Approval approved"
    APPROVAL_DENIED = "approval.denied", "Approval denied"
    APPROVAL_EXPIRED = "approval.expired", "Approval expired"
    APPROVAL_CANCELLED = "approval.cancelled", "Approval cancelled"
    APPROVAL_ESCALATED = "approval.escalated", "Approval escalated"
    APPROVAL_INPUT_REVEALED = "approval.input_revealed", "Approval's input revealed"
    COMPLIANCE_MAPPING_OVERRIDE_SET = (
        "compliance.mapping_override_set",
        "Control mapping overridden",
    )
    COMPLIANCE_MAPPING_OVERRIDE_CLEARED = (
        "compliance.mapping_override_cleared",
        "Control mapping override cleared",
    )
    COMPLIANCE_REPORT_REQUESTED = "compliance.report_requested", "Report requested"
    COMPLIANCE_REPORT_GENERATED = "compliance.report_generated", "Report generated"
    COMPLIANCE_REPORT_FAILED = "compliance.report_failed", "Report failed"
    COMPLIANCE_SCHEDULE_SET = "compliance.schedule_set", "Report schedule set"


def action_label(value: str) -> str:
    """How people read a stored action ("Member removed"); the raw value for an action no
    longer in the enumeration."""
    return AuditAction(value).label if value in AuditAction.values else value
