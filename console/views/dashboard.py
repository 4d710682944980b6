"""The dashboard at "/": the state of every agent of the current organisation at a glance."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_q.tasks import async_task

from .. import navigation, selectors, services
from ..models import IntegrityCheck

LOGIN_URL = "/approvals/login/"
TAIL_CATCH_UP = 20_000  # entries past the rollups' cursor that a page view folds by itself
RANGE_PRESETS = [(1, "Today"), (7, "7 days"), (30, "30 days"), (90, "90 days")]


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def date_range(request: HttpRequest) -> tuple[selectors.Range, dict[str, str]]:
    """The range asked for in ?from=&to= (whole UTC days), or the last 7 days; the errors
    found in the parameters, for the form."""
    errors: dict[str, str] = {}
    default = selectors.default_range()
    first = _parse_day(request.GET.get("from"))
    last = _parse_day(request.GET.get("to"))
    if request.GET.get("from") and first is None:
        errors["from"] = "Enter a date as YYYY-MM-DD."
    if request.GET.get("to") and last is None:
        errors["to"] = "Enter a date as YYYY-MM-DD."
    first = first or default.first_day
    last = last or (first + timedelta(days=6) if request.GET.get("from") else default.last_day)
    if last < first:
        errors["to"] = "The end comes before the start."
        first, last = default.first_day, default.last_day
    if (last - first).days >= selectors.MAX_RANGE_DAYS:
        errors["from"] = f"Choose at most {selectors.MAX_RANGE_DAYS} days."
        first = last - timedelta(days=selectors.MAX_RANGE_DAYS - 1)
    return selectors.range_from_days(first, last), errors


@login_required(login_url=LOGIN_URL)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """ "/": reviewers keep the approval queue as their landing page."""
    target = navigation.landing_url(request)
    if target == reverse("console:dashboard"):
        return dashboard(request)
    return redirect(target)


@login_required(login_url=LOGIN_URL)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    organisation = getattr(request, "organisation", None)
    if not navigation.may(request, "admin.access"):
        raise Http404("No dashboard for your role here.")
    if organisation is None:
        return render(request, "console/no_organisation.html", status=200)
    rng, errors = date_range(request)
    data = selectors.activity(organisation=organisation, rng=rng)
    if (
        data.tail_entries > TAIL_CATCH_UP or data.uncounted
    ):  # the minute's task fell behind: catch up now
        async_task("console.tasks.rollup_advance", organisation.pk)
    series = selectors.calls_over_time(organisation=organisation, rng=rng, data=data)
    agents = selectors.agents_activity(organisation=organisation, rng=rng, data=data)
    link = lambda **f: selectors.ledger_link(organisation, rng, **f)  # noqa: E731
    today = selectors.default_range(days=1)
    context = {
        "organisation": organisation,
        "range": rng,
        "errors": errors,
        "presets": [
            (label, selectors.default_range(days=days).query()) for days, label in RANGE_PRESETS
        ],
        "series": series,
        "totals": series.totals,
        "total_calls": sum(series.totals.values()),
        "agents": agents,
        "policies": selectors.top_violated_policies(organisation=organisation, rng=rng, data=data),
        "budgets": selectors.budgets_current(organisation=organisation),
        "approvals": selectors.approval_stats(organisation=organisation, rng=rng),
        "integrity": IntegrityCheck.objects.filter(organisation=organisation).first(),
        "may_decide": navigation.may(request, "approvals.decide"),
        "may_onboard": navigation.may(request, "agents.manage"),
        # Budget windows open in the admin for those who manage policies (others: 404).
        "may_open_budgets": navigation.may(request, "policies.manage"),
        "links": {
            "all": link(opens_trace=1),
            "decision": {d: link(kind="decision", decision=d) for d in selectors.DECISIONS},
            "unchecked": link(kind="completion", opens_trace=1),
            "violations": link(kind="decision", decision__in=",".join(selectors.VIOLATING)),
        },
        "today": today,
        "uncounted": data.uncounted,
    }
    for row in agents:
        row.links = {
            "calls": link(opens_trace=1, agent_name=row.name),
            "violations": link(
                kind="decision", decision__in=",".join(selectors.VIOLATING), agent_name=row.name
            ),
            "spend": link(kind="completion", agent_name=row.name),
            "ungoverned": link(
                kind="completion",
                opens_trace=1,
                agent_name=row.name,
                client__contains=selectors.UNGOVERNED_MARK,
            ),
            "last_seen": selectors.ledger_link(
                organisation,
                selectors.Range(since=rng.since - timedelta(days=3650), until=rng.until),
                agent_name=row.name,
            ),
        }
    for policy in context["policies"]:
        policy.link = link(policy=policy.policy_id)
    context["chart"] = {
        "labels": series.labels,
        "titles": series.titles,
        "series": [
            {
                "key": k,
                "label": LABELS[k],
                "data": series.counts[k],
                "link": context["links"]["decision"].get(k) or context["links"]["unchecked"],
            }
            for k in (*selectors.DECISIONS, selectors.UNCHECKED)
        ],
    }
    return render(request, "console/dashboard.html", context)


LABELS = {
    "allow": "Allowed",
    "warn": "Warned",
    "block": "Blocked",
    "require_approval": "Approval",
    selectors.UNCHECKED: "No decision (ungoverned or record-only)",
}


@login_required(login_url=LOGIN_URL)
@require_POST
def integrity_verify(request: HttpRequest) -> HttpResponse:
    organisation = getattr(request, "organisation", None)
    if organisation is None or not navigation.may(request, "admin.access"):
        raise Http404("No such organisation of yours.")
    check = services.integrity_check_request(organisation=organisation, actor=request.user)
    messages.info(
        request, f"Ledger verification #{check.pk} started; the result appears here when done."
    )
    next_url = request.POST.get("next") or reverse("console:dashboard")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("console:dashboard")
    return HttpResponseRedirect(next_url)
