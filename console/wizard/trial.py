"""The wizard's "test before you enable" and dry-run panels: the draft on the page is
validated like a save, then handed to ``policies.testing`` (the same evaluation code as
/api/v1/check; nothing is recorded). Large dry-runs run as a django-q2 task the panel polls."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from governance.models import Agent
from policies.evaluators import POLICY_TYPES
from policies.selectors import policy_get
from policies.testing import (
    dry_run_get,
    dry_run_size,
    dry_run_start,
    dry_run_wire,
    policy_draft,
    policy_dry_run,
    policy_dry_run_diff,
    policy_test,
    runs_as_task,
)

from .forms import PolicyForm, SettingsForm
from .views import LOGIN_URL, _organisation


def _definition(request: HttpRequest, organisation) -> tuple[dict | None, list[str]]:
    """The draft on the page as a policy definition, or the problems that stop it."""
    names = Agent.objects.filter(organisation=organisation).values_list("name", flat=True)
    form = PolicyForm(request.POST, agent_names=list(names))
    chosen = request.POST.get("type")
    if chosen not in POLICY_TYPES:
        return None, ["Choose a policy type first (step 1)."]
    settings_form = SettingsForm(chosen, request.POST, prefix="s", currency=organisation.currency)
    form.is_valid()
    settings_ok = settings_form.is_valid()
    problems = [
        f"{form[name].label if name in form.fields else name}: {' '.join(errors)}"
        for name, errors in form.errors.items()
        if name != "name"  # a draft may be tested before it is named
    ]
    if not settings_ok:
        problems.append("Fix the settings marked in step 3.")
    if problems:
        return None, problems
    data = form.cleaned_data
    return {
        "name": data.get("name") or "draft",
        "type": chosen,
        "mode": data["mode"],
        "phase": data["phase"],
        "agents": data["agents"],
        "tool_patterns": data["tool_patterns"],
        "threshold": settings_form.threshold,
        "enabled": True,
    }, []


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()]
    return list(exc.messages)


@login_required(login_url=LOGIN_URL)
@require_POST
def test_panel(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    definition, problems = _definition(request, organisation)
    result = None
    if definition is not None:
        call = {
            "agent": request.POST.get("sample_agent", "").strip() or "sample-agent",
            "tool": request.POST.get("sample_tool", "").strip(),
        }
        for key in ("input", "output"):
            text = request.POST.get(f"sample_{key}", "").strip()
            if text:
                try:
                    call[key] = json.loads(text)
                except ValueError as exc:
                    problems.append(f"Sample {key} is not valid JSON ({exc.msg}).")
        if "input" not in call:
            call["input"] = {}
        if not problems:
            try:
                result = policy_test(organisation=organisation, definition=definition, call=call)
            except ValidationError as exc:
                problems = _messages(exc)
    return render(
        request,
        "console/_policy_test_result.html",
        {"result": result, "problems": problems},
        status=200,
    )


def _days(request: HttpRequest) -> int | None:
    try:
        days = int(request.POST.get("dry_run_days") or 30)
    except ValueError:
        return None
    return days if 1 <= days <= 366 else None


@login_required(login_url=LOGIN_URL)
@require_POST
def dry_run_panel(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    definition, problems = _definition(request, organisation)
    days = _days(request)
    if days is None:
        problems.append("Days: a whole number from 1 to 366.")
    context: dict = {"problems": problems, "days": days}
    if not problems:
        existing = None
        if request.POST.get("policy_id"):
            existing = policy_get(organisation=organisation, policy_id=request.POST["policy_id"])
        try:
            draft = policy_draft(organisation=organisation, definition=definition)
            if runs_as_task(dry_run_size(organisation=organisation, policy=draft, days=days)):
                run = dry_run_start(
                    organisation=organisation,
                    policy=draft,
                    days=days,
                    baseline_id=existing.pk if existing else None,
                )
                context["run"] = dry_run_wire(run)
            elif existing is not None:
                context["result"] = policy_dry_run_diff(
                    organisation=organisation, policy=existing, definition=definition, days=days
                )
            else:
                context["result"] = policy_dry_run(
                    organisation=organisation, definition=definition, days=days
                )
        except ValidationError as exc:
            context["problems"] = _messages(exc)
    return render(request, "console/_policy_dry_run.html", context)


@login_required(login_url=LOGIN_URL)
@require_GET
def dry_run_poll(request: HttpRequest, run_id) -> HttpResponse:
    organisation = _organisation(request)
    run = dry_run_get(organisation=organisation, run_id=run_id)
    if run is None:
        raise Http404("No such dry-run.")
    wire = dry_run_wire(run)
    context = {"run": wire, "result": wire.get("result"), "problems": []}
    if wire.get("error"):
        context["problems"] = [wire["error"]]
    return render(request, "console/_policy_dry_run.html", context)
