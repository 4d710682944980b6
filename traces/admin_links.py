"""What a link into the ledger list filtered on, where it is not one of the list's own filters.

The dashboard's numbers and the policy dry run's examples open the list with field lookups in
the address (``occurred_at__gte``, ``kind``, ``decision__in``, ``agent_name``, ``trace_id``).
Django applies them, but its filter sidebar shows none of them: the 34 "calls with violations"
read "All" under every filter. And its "Clear all filters" kept them, writing the ``__in`` list
back as ``['warn', 'block', 'require_approval']``, which matched nothing: 0 entries, no filter
on, and nothing to click. The list now names what the link applied, and clearing clears all.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from django.contrib.admin.views.main import IGNORED_PARAMS, ChangeList
from django.utils.dateparse import parse_datetime

from .models import EventKind


def _when(value: str) -> datetime | None:
    moment = parse_datetime(value)
    return moment.astimezone(UTC) if moment and moment.tzinfo else None


def _day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}"


def _occurred(since: str | None, until: str | None) -> str:
    start, end = _when(since or ""), _when(until or "")
    midnight = all(m is None or m.time() == datetime.min.time() for m in (start, end))
    if start and end and midnight:  # the dashboard's days: [first day, day after the last)
        return f"occurred {_day(start)} – {_day(end - timedelta(days=1))} (UTC)"
    parts = []
    if since:
        parts.append(f"from {start:%Y-%m-%d %H:%M} UTC" if start else f"from {since}")
    if until:
        parts.append(f"before {end:%Y-%m-%d %H:%M} UTC" if end else f"before {until}")
    return "occurred " + " ".join(parts)


def _one(key: str, value: str) -> str:
    if key == "kind":  # the sidebar's own kind filter is kind__exact
        label = dict(EventKind.choices).get(value, value)
        return f"kind: {label}"
    if key.endswith("__in"):
        values = [v for v in value.split(",") if v]
        shown = ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else value
        return f"{key.removesuffix('__in').replace('_', ' ')}: {shown}"
    if key == "opens_trace":
        return "the first event of each call" if value in {"1", "true", "True"} else "later events"
    if key == "agent_name":
        return f"agent {value}"
    if key == "trace_id":
        return f"trace {value}"
    if key.endswith("__contains"):
        return f"{key.removesuffix('__contains')} contains {value}"
    return f"{key.replace('__', ' ').replace('_', ' ')}: {value}"


def link_filters(params: Mapping[str, list[str]], own: set[str]) -> list[str]:
    """Plain words for the lookups in ``params`` (a query string's lists) that are none of the
    list's own filters (``own``: their parameter names) or Django's own parameters (the search,
    the ordering: ``IGNORED_PARAMS``)."""
    extra = {k: v[-1] for k, v in params.items() if k not in own and k not in IGNORED_PARAMS}
    words = []
    since, until = extra.pop("occurred_at__gte", None), extra.pop("occurred_at__lt", None)
    if since or until:
        words.append(_occurred(since, until))
    words.extend(_one(key, value) for key, value in sorted(extra.items()))
    return words


class LedgerChangeList(ChangeList):
    """The ledger's changelist: ``link_filters`` names the lookups a link applied, and "Clear
    all filters" opens the whole ledger of the organisation chosen in the header."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        own = {name for spec in self.filter_specs for name in spec.expected_parameters()}
        self.link_filters = link_filters(self.filter_params, own)
        if self.link_filters:
            self.has_active_filters = True  # so that "Clear all filters" and "Show all" show
        self.clear_all_filters_qs = "?"
        return queryset
