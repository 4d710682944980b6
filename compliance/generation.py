"""Building a report's content: evaluate each mapping rule once, assess every control, assemble
the document described in ``compliance.content``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone

from governance.models import ApiKey, DataSubjectRequest, RiskClass

from .applicability import (
    applicability_facts,
    cap_hipaa_standards,
    not_applicable_entry,
    not_applicable_reason,
)
from .assess import RuleResult, assess_control
from .catalog import Catalog, ControlLink, MappingRule, default_catalog
from .content import build_content
from .evidence import EvidenceContext, collect, ledger_appendix
from .models import ControlMapping, OverrideAction, Report


def effective_links(
    *, catalog: Catalog, framework_code: str, control_id: str, overrides: list[ControlMapping]
) -> tuple[list[ControlLink], list[dict[str, Any]]]:
    """The default links of a control with the organisation's overrides applied."""
    removed = {o.rule_id for o in overrides if o.action == OverrideAction.REMOVE}
    links = [
        link
        for link in catalog.links_for_control(framework_code, control_id)
        if link.rule.id not in removed
    ]
    for o in overrides:
        if o.action == OverrideAction.ADD and o.rule_id in catalog.rules_by_id:
            links.append(ControlLink(catalog.rules_by_id[o.rule_id], o.role))
    notes = [
        {
            "action": o.action,
            "rule": o.rule_id,
            "role": o.role,
            "by": (o.created_by.get_username() if o.created_by else "system"),
            "at": o.created_at.isoformat(),
            "note": o.note,
        }
        for o in overrides
    ]
    return links, notes


def _scope(ctx: EvidenceContext) -> list[dict[str, str]]:
    """The organisation at the end of the period, and what changed during it."""
    agents, active = ctx.agents, ctx.active_agents
    policies = ctx.enabled_policies()
    enforcing = [p for p in policies if p.mode in ("block", "require_approval")]
    end = min(ctx.now, ctx.end)
    keys = (
        ApiKey.objects.filter(organisation=ctx.organisation, created_at__lt=end)
        .exclude(revoked_at__lte=end)
        .exclude(expires_at__lte=end)
        .count()
    )
    dsrs = DataSubjectRequest.objects.filter(
        organisation=ctx.organisation, received_at__gte=ctx.start, received_at__lt=ctx.end
    ).count()
    rows = [
        {
            "label": "Agents at the end of the period (active / registered)",
            "value": f"{len(active)} / {len(agents)}",
        },
        {
            "label": "High-risk agents in the period (active or not)",
            "value": str(len(_high_risk_agents(ctx))),
        },
        {
            "label": "Policies enabled at the end of the period (enforcing)",
            "value": f"{len(policies)} ({len(enforcing)})",
        },
        {
            "label": "Changes to policies, agents or members in the period",
            "value": str(len(ctx.snapshots) - 1),
        },
        {"label": "Ledger entries in the period", "value": f"{ctx.period_entry_count:,}"},
        {"label": "Ledger entries verified", "value": f"{ctx.verification.entries:,}"},
        {
            "label": "Members / API keys in use at the end of the period",
            "value": f"{len(ctx.latest.members)} / {keys}",
        },
        {"label": "Data-subject requests received in the period", "value": str(dsrs)},
    ]
    if ctx.retained_from is not None:
        rows.append(
            {
                "label": "Ledger evidence retained from",
                "value": ctx.retained_from.isoformat(timespec="minutes"),
            }
        )
    return rows


def _high_risk_agents(ctx: EvidenceContext) -> list[str]:
    return ctx.memo(
        "high_risk_agents",
        lambda: [a.name for a in ctx.agents_in_period if RiskClass.HIGH in ctx.risk_classes(a.id)],
    )


def build_report_content(
    *,
    report: Report,
    progress: Callable[[int, str], None] | None = None,
    now: datetime | None = None,
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    catalog = catalog or default_catalog()
    code = report.framework.code
    if code not in catalog.frameworks:
        raise LookupError(f"framework {code!r} is not in the catalog files any more")
    framework = catalog.framework(code)
    progress = progress or (lambda percent, note: None)
    overrides_by_control: dict[str, list[ControlMapping]] = {}
    for o in ControlMapping.objects.filter(
        organisation=report.organisation, control__framework__code=code
    ).select_related("control", "created_by"):
        overrides_by_control.setdefault(o.control.control_id, []).append(o)

    links_by_control: dict[str, tuple[list[ControlLink], list[dict[str, Any]]]] = {
        c.id: effective_links(
            catalog=catalog,
            framework_code=code,
            control_id=c.id,
            overrides=overrides_by_control.get(c.id, []),
        )
        for c in framework.controls
    }
    rules: dict[str, MappingRule] = {}
    for links, _ in links_by_control.values():
        for link in links:
            rules.setdefault(link.rule.id, link.rule)

    ctx = EvidenceContext(
        organisation=report.organisation,
        start=report.period_start,
        end=report.period_end,
        now=now or timezone.now(),
        report_id=report.pk,
    )
    progress(2, "Verifying the ledger")
    _ = ctx.verification  # the slowest step, done once and first so progress means something
    results: dict[str, RuleResult] = {}
    ordered = sorted(rules.values(), key=lambda r: r.id)
    for i, rule in enumerate(ordered, 1):
        progress(10 + int(80 * i / max(len(ordered), 1)), f"Evidence: {rule.id}")
        results[rule.id] = collect(ctx, rule)

    progress(92, "Assessing controls")
    org = report.organisation
    high_risk = _high_risk_agents(ctx)
    controls = []
    for control in framework.controls:
        links, notes = links_by_control[control.id]
        reason = not_applicable_reason(
            control, ai_act_role=org.ai_act_role, high_risk_agents=high_risk
        )
        if reason is not None:
            controls.append(not_applicable_entry(control, reason))
            continue
        entry = assess_control(
            framework=code,
            control_id=control.id,
            title=control.title,
            section=control.section,
            links=links,
            results=results,
        )
        if notes:
            entry["overrides"] = notes
        controls.append(entry)
    cap_hipaa_standards(framework.controls, controls)
    progress(96, "Assembling the report")
    uses_applicability = any(
        "high_risk" in c.attributes or "applies_to" in c.attributes for c in framework.controls
    )
    return build_content(
        framework=framework,
        organisation={
            "id": str(org.pk),
            "name": org.name,
            "slug": org.slug,
            "plan": org.plan,
            "retention_days": org.retention_days,
            "ai_act_role": org.ai_act_role,
            "retention_purpose": org.retention_purpose,
        },
        period={"start": report.period_start.isoformat(), "end": report.period_end.isoformat()},
        generated_at=ctx.now.isoformat(),
        generated_by=report.requested_by.get_username() if report.requested_by else None,
        controls=controls,
        rules=[
            {"id": r.id, "signal": r.signal, "rationale": r.rationale, "limits": r.limits}
            for r in ordered
        ],
        scope=_scope(ctx),
        ledger=ledger_appendix(ctx),
        applicability=applicability_facts(ai_act_role=org.ai_act_role, high_risk_agents=high_risk)
        if uses_applicability
        else [],
        report_id=str(report.pk),
    )
