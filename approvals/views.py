"""The reviewer queue at /approvals/ (django-htmx).

Thin views: they read through ``selectors``, write through ``services``, and answer HTMX
requests with the fragment that changed. A request the reviewer may not decide — another
organisation's, an agent they hold no ``decide_approvals`` permission on, a role below the
request's ``required_role`` — does not exist for them (404).
"""

from __future__ import annotations

import uuid
from functools import partial
from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from governance.selectors import agents_for, has_capability, organisation_elsewhere
from policies.models import Policy
from policies.types import Mode

from . import presentation
from .models import Approval
from .rights import CAPABILITY, decidable, decidable_filter
from .selectors import (
    DEFAULT_PENDING_SORT,
    PENDING_SORTS,
    approval_for_reviewer,
    approvals_for_reviewer,
    pending_sort,
    pending_sorted,
)
from .services import ApprovalAlreadyFinal, approval_decide, approval_input_reveal

LOGIN_URL = "/approvals/login/"
HISTORY_PAGE = 50
MAX_HISTORY_PAGE = 1000  # 50,000 decisions back; further is the audit log's and the ledger's
# The pending tab shows the newest this many (plus any the reviewer has open further down) and
# counts them all: the page refreshes the list every two seconds, and at 150 waiting it sent
# 295 KB and rendered every card each time.
PENDING_PAGE = 25
# At most this many cards a reviewer had open are kept on screen after they stop waiting.
MAX_KEPT = 20


class ReviewerLoginView(auth_views.LoginView):
    """Sign-in for every member (the admin's login admits console roles only). Without a
    ``next``, it leads to "/" (settings.LOGIN_REDIRECT_URL), which sends each role to its own
    landing page: the queue for reviewers, the dashboard for the others."""

    template_name = "approvals/login.html"
    redirect_authenticated_user = True


def _filters(request: HttpRequest) -> dict:
    agent = request.GET.get("agent") or ""
    return {
        "agent": agent if agent.isdigit() else "",
        "policy": (request.GET.get("policy") or "")[:200],
        "tab": "history" if request.GET.get("tab") == "history" else "pending",
        "page": _page(request.GET.get("page")),
        # The pending tab's order, kept in the URL only; anything unknown is the default.
        "sort": pending_sort(request.GET.get("sort")),
    }


def _page(value: str | None) -> int:
    """The history page asked for: 1 unless a whole number from 1 to MAX_HISTORY_PAGE."""
    return int(value) if value and value.isdigit() and 1 <= int(value) <= MAX_HISTORY_PAGE else 1


def _ids(request: HttpRequest, name: str) -> list[uuid.UUID]:
    """Comma-separated approval ids the page sends with its refresh (``open``, ``kept``);
    anything that is not an id is ignored."""
    ids = []
    for part in (request.GET.get(name) or "").split(",")[:MAX_KEPT]:
        try:
            ids.append(uuid.UUID(part.strip()))
        except ValueError:
            continue
    return ids


def _kept_cards(request: HttpRequest, filters: dict, organisation) -> tuple[list, str]:
    """Requests the reviewer had open (selected, or a comment typed) that were decided by
    someone else or expired since the last refresh, and those already kept: they stay on the
    page, in place and marked, instead of vanishing under the reviewer's cursor (and the
    selection with them). The page says once what happened; the kept cards stay until the
    reviewer dismisses them or reloads."""
    opened, kept = _ids(request, "open"), _ids(request, "kept")
    if not (opened or kept):
        return [], ""
    left = list(
        approvals_for_reviewer(
            user=request.user,
            organisation=organisation,
            pending=False,
            agent_id=filters["agent"] or None,
            policy_name=filters["policy"] or None,
        )
        .filter(pk__in=[*opened, *kept])
        # The reviewer's own decision is not news: its answer already said so (and a refresh
        # sent just before it arrived must not overwrite that announcement).
        .exclude(decided_by=request.user)
    )
    opened_now = set(opened)
    just_left = [a for a in left if a.pk in opened_now]
    flash = " ".join(presentation.left_while_open(a) for a in just_left)
    return [presentation.card(a, user=request.user, kept=True) for a in left], flash


def _list_context(request: HttpRequest, filters: dict) -> dict:
    organisation = getattr(request, "organisation", None)
    pending = filters["tab"] == "pending"
    queryset = approvals_for_reviewer(
        user=request.user,
        organisation=organisation,
        pending=pending,
        agent_id=filters["agent"] or None,
        policy_name=filters["policy"] or None,
        sort=filters["sort"],
    )
    kept, flash = [], ""
    pending_count = history_pages = None
    if pending:
        approvals = list(queryset[:PENDING_PAGE])
        pending_count = len(approvals)
        if pending_count == PENDING_PAGE:
            pending_count = queryset.order_by().count()
        shown = {a.pk for a in approvals}
        further = [pk for pk in _ids(request, "open") if pk not in shown]
        if further:  # a card the reviewer is working on stays while newer ones push it down
            approvals += list(queryset.filter(pk__in=further))
            approvals = pending_sorted(approvals, filters["sort"])
        has_more = pending_count > len(approvals)
        kept, flash = _kept_cards(request, filters, organisation)
    else:
        start = (filters["page"] - 1) * HISTORY_PAGE
        approvals = list(queryset[start : start + HISTORY_PAGE + 1])
        has_more = len(approvals) > HISTORY_PAGE
        approvals = approvals[:HISTORY_PAGE]
        history_pages = _history_pages(
            filters, has_more, shown_from=start + 1, count=len(approvals)
        )
    cards = [presentation.card(a, user=request.user) for a in approvals]
    if kept:
        # In the queue's chosen order, where each card was.
        cards = pending_sorted(cards + kept, filters["sort"], key=lambda c: c.approval)
    # An empty queue for a reviewer named on no agent stays empty whatever happens: say so, and
    # who can change it (a first-time reviewer waited for requests that could never come).
    decides_for_none = (
        pending
        and not cards
        and organisation is not None
        and not request.user.is_superuser
        and decidable_filter(user=request.user, organisation=organisation) is None
    )
    return {
        "approvals": cards,
        "filters": filters,
        "has_more": has_more,
        "pending_count": pending_count,
        "history_pages": history_pages,
        "flash": flash,
        "decides_for_none": decides_for_none,
    }


def _history_pages(filters: dict, has_more: bool, *, shown_from: int, count: int) -> dict:
    """Links to the older and newer pages of decided requests (a reviewer's role opens neither
    the audit log nor the ledger, so the queue itself pages through its history)."""

    def query(page: int) -> str:
        params = {
            "tab": "history",
            "page": page,
            "agent": filters["agent"],
            "policy": filters["policy"],
            "sort": filters["sort"] if filters["sort"] != DEFAULT_PENDING_SORT else "",
        }
        return "?" + urlencode({k: v for k, v in params.items() if v})

    page = filters["page"]
    return {
        "first": shown_from,
        "last": shown_from + count - 1,
        "older": query(page + 1) if has_more else "",
        "newer": query(page - 1) if page > 1 else "",
    }


@login_required(login_url=LOGIN_URL)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    organisation = getattr(request, "organisation", None)
    filters = _filters(request)
    may_decide = organisation is not None and has_capability(
        user=request.user, organisation=organisation, capability=CAPABILITY
    )
    context = {
        "may_decide": may_decide,
        "agents": agents_for(user=request.user, capability=CAPABILITY, organisation=organisation)
        if may_decide
        else [],
        "sorts": [(value, label) for value, (label, _) in PENDING_SORTS.items()],
        "policies": presentation.policy_names(user=request.user, organisation=organisation)
        if may_decide
        else [],
        "focus": request.GET.get("focus", ""),
        "elsewhere": _elsewhere(request, request.GET.get("focus", "")),
        # A new organisation's empty queue says why nothing will arrive, and who can change it.
        "asks_for_approval": may_decide
        and Policy.objects.filter(
            organisation=organisation, enabled=True, mode=Mode.REQUIRE_APPROVAL
        ).exists(),
        "may_write_policies": organisation is not None
        and has_capability(
            user=request.user, organisation=organisation, capability="policies.manage"
        ),
        **_list_context(request, filters),
    }
    return render(request, "approvals/queue.html", context)


@login_required(login_url=LOGIN_URL)
@require_GET
def queue_list(request: HttpRequest) -> HttpResponse:
    """The list alone: what the page polls every two seconds and the filters swap in."""
    context = {**_list_context(request, _filters(request)), "oob": True}
    return render(request, "approvals/_list.html", context)


def _elsewhere(request: HttpRequest, approval_id):
    """The other organisation of the user's in which the linked request waits for them, if any:
    the page then offers to switch to it (lists show one organisation, chosen in the header)."""
    try:
        approval_id = uuid.UUID(str(approval_id))
    except ValueError:
        return None
    return organisation_elsewhere(
        Approval.objects.all(),
        user=request.user,
        organisation=getattr(request, "organisation", None),
        pk=approval_id,
        opens=partial(decidable, Approval.objects.all()),
    )


def _approval_or_none(request: HttpRequest, approval_id) -> Approval | None:
    return approval_for_reviewer(
        user=request.user,
        organisation=getattr(request, "organisation", None),
        approval_id=approval_id,
    )


def _approval_or_404(request: HttpRequest, approval_id) -> Approval:
    approval = _approval_or_none(request, approval_id)
    if approval is None:
        raise Http404("No such approval request.")
    return approval


@login_required(login_url=LOGIN_URL)
@require_GET
def detail(request: HttpRequest, approval_id) -> HttpResponse:
    approval = _approval_or_none(request, approval_id)
    if approval is None:
        # The agent's log sends "a reviewer" to this address: say who can open it. The same page
        # for a missing request, another organisation's and one this person may not decide.
        return render(
            request,
            "approvals/not_found.html",
            {"elsewhere": _elsewhere(request, approval_id)},
            status=404,
        )
    return render(
        request, "approvals/detail.html", {"c": presentation.card(approval, user=request.user)}
    )


@login_required(login_url=LOGIN_URL)
@require_POST
def decide(request: HttpRequest, approval_id) -> HttpResponse:
    approval = _approval_or_404(request, approval_id)
    verdict = request.POST.get("verdict", "")
    comment = request.POST.get("comment", "")
    # HTMX swaps the card in place; without JavaScript the same answers come as whole pages.
    template = "approvals/_card.html" if request.htmx else "approvals/detail.html"
    try:
        approval = approval_decide(
            approval=approval, actor=request.user, verdict=verdict, comment=comment
        )
    except ValidationError as exc:
        card = presentation.card(
            approval, user=request.user, errors=exc.message_dict, comment=comment
        )
        return render(request, template, {"c": card}, status=422)
    except ApprovalAlreadyFinal as exc:
        card = presentation.card(exc.approval, user=request.user, notice=str(exc))
        return render(
            request, template, {"c": card, "flash": str(exc), "flash_warn": True}, status=409
        )
    except PermissionDenied:
        raise Http404("No such approval request.") from None
    if not request.htmx:
        return redirect("approvals:queue")
    card = presentation.card(approval, user=request.user)
    return render(
        request, template, {"c": card, "flash": presentation.flash(approval, request.user)}
    )


@login_required(login_url=LOGIN_URL)
@require_POST
def reveal(request: HttpRequest, approval_id) -> HttpResponse:
    """Show the unmasked input (audited). Answers the input block only."""
    approval = _approval_or_404(request, approval_id)
    try:
        approval_input_reveal(approval=approval, actor=request.user)
    except PermissionDenied:
        raise Http404("No such approval request.") from None
    card = presentation.card(approval, user=request.user, revealed=True)
    return render(request, "approvals/_input.html", {"c": card})
