"""The policy wizard: /policies/new/ and /policies/<id>/edit/ (type → scope → settings → mode).

Server-rendered; choosing a type swaps the settings step in place (django-htmx) and each
settings change is validated inline. Saving goes through ``policies.services`` (audited,
organisation's policy version bumped), so the next /check uses it. Only members whose role may
manage policies in the current organisation see these pages; everyone else gets a 404."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from governance.models import Agent
from policies.evaluators import POLICY_TYPES
from policies.models import Policy
from policies.selectors import policy_get
from policies.services import policy_create, policy_snapshot, policy_update
from traces.models import LedgerEntry

from .. import navigation
from .forms import MODE_HELP, PolicyForm, SettingsForm

CAPABILITY = "policies.manage"
LOGIN_URL = "/admin/login/"
CUSTOM = "custom"


def _organisation(request: HttpRequest):
    organisation = getattr(request, "organisation", None)
    if organisation is None or not navigation.may(request, CAPABILITY):
        raise Http404("No policy wizard for your role here.")
    return organisation


def _policy(request: HttpRequest, organisation, pk) -> Policy:
    policy = policy_get(organisation=organisation, policy_id=pk)
    if policy is None:
        raise Http404("No such policy.")
    return policy


def tool_suggestions(organisation, limit: int = 100) -> list[str]:
    """Tools already seen in the organisation's ledger (for the scope step's suggestions)."""
    return list(
        LedgerEntry.objects.filter(organisation=organisation)
        .order_by("tool")
        .values_list("tool", flat=True)
        .distinct()[:limit]
    )


def _types() -> list[dict]:
    rows = [
        {"value": t, "label": s.label, "summary": s.summary, "example": json.dumps(s.example)}
        for t, s in POLICY_TYPES.items()
    ]
    # "custom (plain English)" last: the one type without a form of fixed fields.
    return sorted(rows, key=lambda row: row["value"] == CUSTOM)


def _diff(before: dict, after: dict) -> list[dict]:
    rows = []
    for key in (
        "name",
        "description",
        "type",
        "mode",
        "phase",
        "enabled",
        "agents",
        "tool_patterns",
    ):
        if before.get(key) != after.get(key):
            rows.append({"field": key, "before": before.get(key), "after": after.get(key)})
    old, new = before.get("threshold") or {}, after.get("threshold") or {}
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            rows.append(
                {"field": f"settings: {key}", "before": _shown(old.get(key)),
                 "after": _shown(new.get(key))}
            )  # fmt: skip
    return rows


def _shown(value):
    """Nested settings (rules) read as JSON in the diff, not as Python's repr."""
    return json.dumps(value) if isinstance(value, list | dict) else value


def _context(request, organisation, form, settings_form, policy=None, **extra) -> dict:
    return {
        "form": form,
        "settings_form": settings_form,
        "policy": policy,
        "types": _types(),
        "chosen_type": settings_form.policy_type if settings_form else None,
        "spec": POLICY_TYPES[settings_form.policy_type] if settings_form else None,
        "mode_help": {str(k): v for k, v in MODE_HELP.items()},
        "tools": tool_suggestions(organisation),
        "currency": organisation.currency,
        "organisation": organisation,
        **extra,
    }


def _initial(policy: Policy) -> dict:
    return {
        "name": policy.name,
        "description": policy.description,
        "type": policy.type,
        "agents": [a.name for a in policy.agents.all()],
        "tool_patterns": ", ".join(policy.tool_patterns or []),
        "mode": policy.mode,
        "phase": policy.phase,
        "enabled": policy.enabled,
    }


def _as_initial(data) -> dict:
    values = {name: data.get(name) for name in PolicyForm.base_fields if name in data}
    values["agents"] = data.getlist("agents")
    return values


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def wizard(request: HttpRequest, pk=None) -> HttpResponse:
    organisation = _organisation(request)
    policy = _policy(request, organisation, pk) if pk is not None else None
    agent_names = list(
        Agent.objects.filter(organisation=organisation)
        .order_by("name")
        .values_list("name", flat=True)
    )
    data = request.POST if request.method == "POST" else None
    if policy is not None:
        form = PolicyForm(data, initial=_initial(policy), agent_names=agent_names)
    else:
        form = PolicyForm(data, agent_names=agent_names, initial={"type": request.GET.get("type")})
    chosen = (
        (data or {}).get("type") or request.GET.get("type") or (policy.type if policy else None)
    )
    if chosen not in POLICY_TYPES:
        chosen = None
    settings_form = None
    if chosen:
        initial = policy.threshold if policy is not None and chosen == policy.type else None
        settings_form = SettingsForm(
            chosen, data, prefix="s", currency=organisation.currency, initial_threshold=initial
        )
    status = 200
    if request.method == "POST" and settings_form is not None and settings_form.row_op():
        # A row added or removed without JavaScript: draw the page again as posted, unsaved,
        # without "required" errors on steps the person has not finished yet.
        form = PolicyForm(initial=_as_initial(request.POST), agent_names=agent_names)
    elif request.method == "POST":
        if settings_form is None:
            form.is_valid()
            form.add_error("type", "Choose a policy type.") if "type" not in form.errors else None
            status = 400
        elif form.is_valid() & settings_form.is_valid():
            values = {
                "name": form.cleaned_data["name"],
                "description": form.cleaned_data["description"],
                "type": form.cleaned_data["type"],
                "mode": form.cleaned_data["mode"],
                "phase": form.cleaned_data["phase"],
                "enabled": form.cleaned_data["enabled"],
                "agents": form.cleaned_data["agents"],
                "tool_patterns": form.cleaned_data["tool_patterns"],
                "threshold": settings_form.threshold,
            }
            if policy is not None and not request.POST.get("confirm"):
                before = policy_snapshot(policy)
                after = {**values, "agents": sorted(values["agents"])}
                diff = _diff(before, after)
                context = _context(request, organisation, form, settings_form, policy, diff=diff)
                return render(request, "console/policy_wizard.html", context)
            try:
                if policy is None:
                    policy = policy_create(organisation=organisation, actor=request.user, **values)
                    if policy.enabled:
                        messages.success(request, f"Policy “{policy.name}” created.")
                    else:
                        # New policies start off (test and dry-run first); say so, or the
                        # officer leaves believing the agents are now governed by it.
                        messages.warning(
                            request,
                            f"Policy “{policy.name}” created, not enabled: it checks no call "
                            "until you tick Enabled and save.",
                        )
                else:
                    policy = policy_update(policy=policy, actor=request.user, **values)
                    messages.success(
                        request, f"Policy “{policy.name}” saved (version {policy.version})."
                    )
            except PermissionDenied:
                raise Http404("No policy wizard for your role here.") from None
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    target = field if field in form.fields else None
                    for error in errors:
                        form.add_error(target, error)
                status = 400
            else:
                return redirect(reverse("console:policy-edit", args=[policy.pk]))
        else:
            status = 400
    context = _context(request, organisation, form, settings_form, policy)
    return render(request, "console/policy_wizard.html", context, status=status)


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def wizard_settings(request: HttpRequest) -> HttpResponse:
    """The settings step alone: drawn for a newly chosen type (GET), or validated inline (POST)."""
    organisation = _organisation(request)
    source = request.POST if request.method == "POST" else request.GET
    chosen = source.get("type")
    if chosen not in POLICY_TYPES:
        return HttpResponse("Choose one of the policy types.", status=400)
    data = request.POST if request.method == "POST" else None
    settings_form = SettingsForm(chosen, data, prefix="s", currency=organisation.currency)
    if data is not None:
        settings_form.is_valid()
    context = {
        "settings_form": settings_form,
        "chosen_type": chosen,
        "spec": POLICY_TYPES[chosen],
        "currency": organisation.currency,
    }
    return render(request, "console/_policy_settings.html", context)
