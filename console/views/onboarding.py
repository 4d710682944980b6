"""Sign-up (when the operator allows it) and the guided first steps of a new organisation:
register an agent → create its key (shown once) → copy a ready SDK snippet → see the first call
arrive (the page polls with HTMX)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.models import Agent, ApiKey
from governance.selectors import agents_for
from governance.services import agent_create, api_key_create
from traces.models import LedgerEntry

from .. import navigation, services
from .dashboard import LOGIN_URL

KEY_SESSION = "execlave_onboarding_key"
CAPABILITY = "agents.manage"


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.EXECLAVE_SIGNUP_OPEN:
        return render(request, "console/signup_closed.html", status=404)
    if request.user.is_authenticated:
        return redirect("console:onboarding")
    errors: dict[str, list[str]] = {}
    values = {k: request.POST.get(k, "") for k in ("email", "organisation_name")}
    if request.method == "POST":
        try:
            user, organisation = services.signup_create(
                email=values["email"],
                password=request.POST.get("password", ""),
                organisation_name=values["organisation_name"],
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session["execlave_organisation_id"] = organisation.pk
            return redirect("console:onboarding")
    return render(
        request,
        "console/signup.html",
        {"errors": errors, "values": values},
        status=400 if errors else 200,
    )


def _agents(request: HttpRequest):
    organisation = getattr(request, "organisation", None)
    if organisation is None or not navigation.may(request, CAPABILITY):
        raise Http404("No onboarding for your role here.")
    return organisation, agents_for(
        user=request.user, capability=CAPABILITY, organisation=organisation
    ).order_by("name")


def _agent(request: HttpRequest, value) -> Agent:
    organisation, agents = _agents(request)
    agent = agents.filter(pk=value).first() if str(value or "").isdigit() else None
    if agent is None:
        raise Http404("No such agent of yours.")
    return agent


TYPESCRIPT_PACKAGE = settings.BASE_DIR / "sdk" / "typescript" / "package.json"


def typescript_tarball() -> str:
    """The file `npm pack` makes of the TypeScript SDK, which its users install (the package is
    not on the npm registry)."""
    try:
        version = json.loads(TYPESCRIPT_PACKAGE.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "execlave-sdk-<version>.tgz"
    return f"execlave-sdk-{version}.tgz"


def snippets(*, base_url: str, agent: str, key: str) -> dict[str, str]:
    python = f'''# pip install ./sdk/python      (the Python SDK, from the Execlave repository)
# Save as agent.py and run `python agent.py`.
from execlave import Execlave

execlave = Execlave(
    api_key="{key}",
    base_url="{base_url}",
    agent="{agent}",
)


@execlave.tool("demo.greet")
def greet(name: str) -> str:
    return f"Hello, {{name}}!"


print(greet("world"))  # checked against your policies, then recorded in the ledger
execlave.close()  # send the trace now (a running program sends it within a second)
'''
    typescript = f"""// npm install /path/to/execlave/sdk/typescript/{typescript_tarball()}
//   (@execlave/sdk is not on the npm registry yet: sdk/typescript/README.md, "Install", builds it)
// Save as agent.mjs and run `node agent.mjs` (the same code runs as TypeScript in a .mts file).
import {{ Execlave }} from "@execlave/sdk";

const ex = new Execlave({{
  apiKey: "{key}",
  baseUrl: "{base_url}",
  agent: "{agent}",
}});

// Your tool, unchanged; the governed version is checked before it runs, traced after.
const greet = ex.wrap("demo.greet", async (name) => `Hello, ${{name}}!`, {{ params: ["name"] }});

console.log(await greet("world"));
await ex.shutdown(); // deliver the trace now
"""
    shell = f'''export EXECLAVE_API_KEY="{key}"
export EXECLAVE_BASE_URL="{base_url}"
export EXECLAVE_AGENT="{agent}"'''
    out = {"python": python, "env": shell}
    if TYPESCRIPT_PACKAGE.is_file():
        out["typescript"] = typescript
    return out


@login_required(login_url=LOGIN_URL)
@require_GET
def onboarding(request: HttpRequest) -> HttpResponse:
    organisation, agents = _agents(request)
    agent = None
    if request.GET.get("agent"):
        agent = _agent(request, request.GET["agent"])
    shown = request.session.pop(KEY_SESSION, None)
    key = None
    if shown and agent is not None and shown.get("agent") == agent.pk:
        key = shown
    base_url = request.build_absolute_uri("/").rstrip("/")
    first = _first_entry(agent) if agent is not None else None
    step = (
        1
        if agent is None
        else (2 if key is None and first is None else (3 if first is None else 4))
    )
    context = {
        "organisation": organisation,
        "agents": agents,
        "agent": agent,
        "key": key,
        "first": first,
        "step": step,
        "keys": ApiKey.objects.filter(agent=agent, revoked_at__isnull=True) if agent else [],
        "snippets": snippets(
            base_url=base_url,
            agent=agent.name if agent else "my-agent",
            key=key["plaintext"] if key else "exk_live_…",
        ),
    }
    return render(request, "console/onboarding.html", context)


@login_required(login_url=LOGIN_URL)
@require_POST
def onboarding_agent(request: HttpRequest) -> HttpResponse:
    organisation, agents = _agents(request)
    try:
        agent = agent_create(
            organisation=organisation,
            name=request.POST.get("name", ""),
            description=request.POST.get("description", "")[:2000],
            actor=request.user,
        )
    except (ValidationError, PermissionDenied) as exc:
        errors = exc.message_dict if hasattr(exc, "message_dict") else {"name": [str(exc)]}
        return render(
            request,
            "console/onboarding.html",
            {
                "organisation": organisation,
                "agents": agents,
                "step": 1,
                "errors": errors,
                "values": {"name": request.POST.get("name", "")},
            },
            status=400,
        )
    return redirect(reverse("console:onboarding") + f"?agent={agent.pk}")


@login_required(login_url=LOGIN_URL)
@require_POST
def onboarding_key(request: HttpRequest) -> HttpResponse:
    agent = _agent(request, request.POST.get("agent"))
    try:
        api_key, plaintext = api_key_create(
            organisation=agent.organisation,
            name=f"{agent.name} (onboarding)",
            actor=request.user,
            scopes=("check", "ingest"),
            agent=agent,
        )
    except PermissionDenied as exc:
        raise Http404(str(exc)) from None
    # Shown once: the next page view takes it out of the session.
    request.session[KEY_SESSION] = {
        "agent": agent.pk,
        "plaintext": plaintext,
        "masked": api_key.masked,
    }
    return redirect(reverse("console:onboarding") + f"?agent={agent.pk}#snippet")


def _first_entry(agent: Agent) -> LedgerEntry | None:
    return (
        LedgerEntry.objects.filter(agent_id=agent.pk)
        .order_by("seq")
        .only(
            "seq",
            "trace_id",
            "kind",
            "tool",
            "decision",
            "status",
            "occurred_at",
            "organisation_id",
        )
        .first()
    )


@login_required(login_url=LOGIN_URL)
@require_GET
def onboarding_first_call(request: HttpRequest) -> HttpResponse:
    """The HTMX fragment polled every two seconds until the agent's first call arrives."""
    agent = _agent(request, request.GET.get("agent"))
    return render(
        request,
        "console/_first_call.html",
        {"agent": agent, "first": _first_entry(agent)},
    )
