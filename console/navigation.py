"""One navigation for the whole product: the dashboard, the approval queue, the admin console
and the public pages. Each person sees the places their role in the current organisation lets
them use, so no link ends at "not authorised"."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from governance.roles import role_allows


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str


# (key, label, url name or path, capability needed in the current organisation; None: everyone
# signed in). Pages of other apps are listed by URL name and appear once their app provides it.
_ITEMS = [
    ("dashboard", "Dashboard", "console:dashboard", "admin.access"),
    ("approvals", "Approvals", "approvals:queue", "approvals.decide"),
    ("ledger", "Ledger", "admin:traces_ledgerentry_changelist", "admin.access"),
    ("policies", "Policies", "admin:policies_policy_changelist", "policies.manage"),
    ("policy-new", "New policy", "console:policy-new", "policies.manage"),
    ("reports", "Reports", "admin:compliance_report_changelist", "reports.manage"),
    ("privacy", "Privacy requests", "privacy:requests", "dsr.read"),
    ("onboarding", "Get started", "console:onboarding", "agents.manage"),
    ("admin", "Console", "admin:index", "admin.access"),
]
_PUBLIC = [
    ("docs", "Docs", "console:docs"),
    ("help", "Help", "console:help"),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def role_in(request) -> str | None:
    organisation = getattr(request, "organisation", None)
    user = getattr(request, "user", None)
    if organisation is None or user is None or not user.is_authenticated:
        return None
    cached = getattr(request, "_console_role", ())
    if cached and cached[0] == organisation.pk:
        return cached[1]
    from governance.selectors import role_of

    role = role_of(user=user, organisation=organisation)
    request._console_role = (organisation.pk, role)
    return role


def may(request, capability: str) -> bool:
    """Whether the signed-in person may use places needing ``capability`` in the current
    organisation. Superusers (operators) use the console everywhere but decide approvals only
    where they are members with a deciding role: a decision is a person's, on the record.
    Nor do they read data-subject requests (the privacy screens answer members only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:  # DRF's views leave None for anonymous
        return False
    if role_allows(role_in(request), capability):
        return True
    return bool(
        user.is_superuser and capability in ("admin.access", "policies.manage", "reports.manage")
    )


def items_for(request) -> list[NavItem]:
    items = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for key, label, name, capability in _ITEMS:
            if may(request, capability):
                url = _url(name)
                if url:
                    items.append(NavItem(key, label, url))
    for key, label, name in _PUBLIC:
        url = _url(name)
        if url:
            items.append(NavItem(key, label, url))
    return items


def current_key(path: str, items: list[NavItem]) -> str | None:
    """The place ``path`` is in: the item whose URL is the longest start of ``path`` ("/" only
    matches itself). An index of a part of the console holding exactly one destination is that
    destination's place: the compliance app's index (/admin/compliance/) is the Reports tab's
    (/admin/compliance/report/), not the whole console's (/admin/)."""
    containing = [i for i in items if path == i.url or (i.url != "/" and path.startswith(i.url))]
    current = max(containing, key=lambda i: len(i.url), default=None)
    if path != "/" and (current is None or current.url != path):
        inside = [i for i in items if i.url.startswith(path) and i.url != path]
        if len(inside) == 1:
            return inside[0].key
    return current.key if current else None


def landing_url(request) -> str:
    """Where "/" and "View site" take a person: the dashboard for those who may use it, the
    approval queue for reviewers, the docs for everyone else signed in."""
    if may(request, "admin.access"):
        return reverse("console:dashboard")
    if may(request, "approvals.decide"):
        return reverse("approvals:queue")
    return reverse("console:docs")


def my_data_url(request) -> str | None:
    """Every signed-in person's own data (the privacy app's "My data"), when installed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return _url("privacy:me")
