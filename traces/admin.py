"""The ledger in the compliance officer's console: read-only, fast on millions of rows, with
actions that verify, sign and export through the services."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from governance.admin_scoping import OrganisationScopedAdmin, ReadOnlyAdminMixin
from governance.audit import AuditAction
from governance.models import Agent, Organisation, dsr_reference
from governance.services import audit_log_write
from governance.templatetags.moments import moment_html

from . import chain, selectors
from .admin_links import LedgerChangeList
from .export import export_jsonl
from .models import LedgerCheckpoint, LedgerEntry, LedgerRedaction, TraceStatus
from .services import checkpoint_create
from .verification import ledger_verify

COUNT_CAP = 10_000
# The start of a trace id (hex digits, dashes dropped): at least the 8 the list shows.
TRACE_PREFIX = re.compile(r"[0-9a-f]{8,31}")


def _breakable(text: str):
    """``text`` escaped, with a line-break opportunity after each dot, underscore, slash and
    colon: "billing.<wbr>lookup_<wbr>invoice" wraps in a narrow column instead of widening it."""
    return mark_safe(re.sub(r"([._/:])", r"\1<wbr>", conditional_escape(text)))  # noqa: S308


class CappedPaginator(Paginator):
    """Counting millions of rows on every page view is the slow part of a big changelist: count
    at most COUNT_CAP + 1 rows (the list then says "more than 10,000 ledger entries",
    templates/admin/traces/ledgerentry/)."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        """The count stopped at the cap: the list says "more than 10,000", not "10001"."""
        return self.count > COUNT_CAP

    @property
    def cap_label(self) -> str:
        return f"{COUNT_CAP:,}"


class AgentFilter(admin.SimpleListFilter):
    title = "agent"
    parameter_name = "agent"

    def lookups(self, request, model_admin):
        orgs = model_admin.scoped_organisations(request, model_admin.view_capability)
        return [
            (a.pk, f"{a.name}" if orgs.count() == 1 else f"{a.name} ({a.organisation})")
            for a in Agent.objects.filter(organisation__in=orgs).select_related("organisation")[
                :200
            ]
        ]

    def queryset(self, request, queryset):
        return queryset.filter(agent_id=self.value()) if self.value() else queryset


class DecisionFilter(admin.SimpleListFilter):
    title = "decision"
    parameter_name = "decision"

    def lookups(self, request, model_admin):
        return [(d, d) for d in ("allow", "warn", "block", "require_approval")]

    def queryset(self, request, queryset):
        return queryset.filter(decision=self.value()) if self.value() else queryset


class PolicyFilter(admin.SimpleListFilter):
    """Entries for which a given policy was evaluated (the ``policies`` column holds ``|id|``).

    The choices are the policies the ledger itself recorded in each chain's latest entries
    (id and name as evaluated), not the policies table: the ledger sits below the policies
    app, and a deleted or renamed policy is listed under the name its entries carry."""

    title = "policy"
    parameter_name = "policy"
    RECENT = 500  # latest entries read per chain (the (organisation, seq) index, backwards)

    def has_output(self) -> bool:
        return True  # applied even before any decision names a policy

    def lookups(self, request, model_admin):
        orgs = model_admin.scoped_organisations(request, model_admin.view_capability)
        names: dict[int, str] = {}
        for org_id in orgs.order_by("pk").values_list("pk", flat=True)[:20]:
            latest = (
                LedgerEntry.objects.filter(organisation_id=org_id)
                .order_by("-seq")
                .values_list("policies", "server")[: self.RECENT]
            )
            for column, server in latest:
                if not column:
                    continue
                for policy in json.loads(server).get("policies", []):
                    if isinstance(policy, dict) and isinstance(policy.get("id"), int):
                        names.setdefault(policy["id"], str(policy.get("name") or policy["id"]))
        return sorted(names.items(), key=lambda item: (item[1].lower(), item[0]))[:200]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(policies__contains=f"|{value}|")
        return queryset


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return TraceStatus.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class OrganisationFilter(admin.SimpleListFilter):
    """The list shows one organisation's chain at a time: the current organisation (chosen in
    the header) unless another is picked here. Positions (``seq``) are per chain, and a list
    spanning chains cannot walk the (organisation, seq) index backwards: on millions of rows a
    page took 1-2 s that way, against under a millisecond for one chain."""

    title = "organisation"
    parameter_name = "org"

    def __init__(self, request, params, model, model_admin):
        self.scope = model_admin.scoped_organisations(request, model_admin.view_capability)
        self.chosen = None
        super().__init__(request, params, model, model_admin)
        chosen = super().value()
        if not (chosen and chosen.isdigit()):
            current = getattr(request, "organisation", None)
            chosen = current.pk if current is not None else None
        if chosen is None or not self.scope.filter(pk=chosen).exists():
            chosen = self.scope.order_by("pk").values_list("pk", flat=True).first()
        self.chosen = None if chosen is None else str(chosen)

    # Shown to members of several organisations only (the template hides a single choice),
    # but always applied: Django applies only the filters that have output, and without the
    # literal id a one-organisation member's list was "organisation IN (their organisations)",
    # which sorted the whole chain for every page (0.7-1.3 s at 100,000 entries on SQLite).
    template = "admin/traces/organisation_filter.html"

    def has_output(self) -> bool:
        return True

    def lookups(self, request, model_admin):
        return [(str(o.pk), o.name) for o in self.scope.order_by("name")[:100]]

    def value(self):
        return self.chosen

    def choices(self, changelist):
        for pk, name in self.lookup_choices:  # no "All": one chain at a time
            yield {
                "selected": self.chosen == pk,
                "query_string": changelist.get_query_string({self.parameter_name: pk}),
                "display": name,
            }

    def queryset(self, request, queryset):
        # A literal id, so the planner walks that chain's (organisation, seq) index.
        return queryset.filter(organisation_id=int(self.chosen)) if self.chosen else queryset.none()


def _redaction(marker: dict | None) -> dict | None:
    """The erasure marker as the trace page shows it: the request as its reference
    (``DSR-0002``, as the privacy pages name it, not its row id) and the time to the minute."""
    if not isinstance(marker, dict):
        return None
    at = str(marker.get("at") or "")
    request = marker.get("request")
    return {
        **marker,
        "when": f"{at[:10]} {at[11:16]} UTC" if len(at) >= 16 else at,
        "reference": dsr_reference(request) if isinstance(request, int) else str(request or "—"),
    }


class RecordedFilter(admin.SimpleListFilter):
    """Date ranges on the indexed ``recorded_at`` (a date hierarchy would scan for distinct days)."""

    title = "recorded"
    parameter_name = "recorded"
    RANGES = {
        "1h": timedelta(hours=1),
        "24h": timedelta(days=1),
        "7d": timedelta(days=7),
        "30d": timedelta(days=30),
    }

    def lookups(self, request, model_admin):
        return [
            ("1h", "Last hour"),
            ("24h", "Last 24 hours"),
            ("7d", "Last 7 days"),
            ("30d", "Last 30 days"),
        ]

    def queryset(self, request, queryset):
        span = self.RANGES.get(self.value() or "")
        return queryset.filter(recorded_at__gte=timezone.now() - span) if span else queryset


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    audited = False  # no audit entry is about one of these: no History (admin_history.py)
    empty_list_hint = (
        "The ledger is empty: no agent has called Execlave yet. Each call appears here as it "
        "happens; Get started walks you to the first one."
    )
    view_capability = "traces.read"
    list_display = [
        "seq",
        "occurred",
        "recorded",
        "kind",
        "agent_label",
        "tool_label",
        "status",
        "decision_label",
        "trace_link",
        "short_hash",
    ]
    list_display_links = ["seq"]
    list_filter = [
        "kind",
        StatusFilter,
        DecisionFilter,
        AgentFilter,
        PolicyFilter,
        RecordedFilter,
        OrganisationFilter,
    ]
    search_fields = ["tool"]
    search_help_text = (
        "A trace id, or its first 8 or more characters as the list shows them, or the start "
        "of a tool name."
    )
    paginator = CappedPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts would count millions of rows per filter
    list_per_page = 100
    ordering = ["-seq"]  # served backwards by the (organisation, X, seq) indexes
    actions = ["verify_chain", "sign_checkpoint", "export_ledger"]

    def get_changelist(self, request, **kwargs):
        return LedgerChangeList  # names what a link's lookups filtered on (admin_links.py)

    def get_queryset(self, request):
        # Payloads and client/server documents can be large: the list never loads them.
        return (
            super()
            .get_queryset(request)
            .defer("payload", "client", "server")
            .select_related("organisation")
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            return queryset.filter(trace_id=uuid.UUID(term)), False
        except ValueError:
            pass
        prefix = term.replace("-", "").lower()
        if TRACE_PREFIX.fullmatch(prefix):
            # The start of a trace id, as the list shows it (8 characters): a range on the
            # (organisation, trace_id, kind) index, like the whole id.
            return queryset.filter(
                trace_id__gte=uuid.UUID(prefix.ljust(32, "0")),
                trace_id__lte=uuid.UUID(prefix.ljust(32, "f")),
            ), False
        return queryset.filter(tool__startswith=term), False

    # The list fits a 1280 px laptop beside its filters (tests/traces/test_ledger_fit_browser.py):
    # a time wraps under its date, a tool name or decision may break after a dot or an
    # underscore, and the ids are short on the screen with the whole value in their title.
    @admin.display(description=f"occurred at ({settings.TIME_ZONE})")
    def occurred(self, obj):
        # When the agent acted; the dashboard counts calls at this time. It differs from
        # "recorded at" for calls the SDK reported after an outage (and for seeded demo data).
        return moment_html(obj.occurred_at, wrap=True)

    @admin.display(description=f"recorded at ({settings.TIME_ZONE})", ordering="recorded_at")
    def recorded(self, obj):
        return moment_html(obj.recorded_at, wrap=True)

    @admin.display(description="agent", ordering="agent_name")
    def agent_label(self, obj):
        return obj.agent_name or "—"

    @admin.display(description="tool", ordering="tool")
    def tool_label(self, obj):
        return _breakable(obj.tool)

    @admin.display(description="decision", ordering="decision")
    def decision_label(self, obj):
        return _breakable(obj.decision) if obj.decision else "-"

    @admin.display(description="trace")
    def trace_link(self, obj):
        return format_html(
            '<a href="../ledgerentry/{}/change/" title="{}"><code>{}</code></a>',
            obj.pk,
            obj.trace_id,
            str(obj.trace_id)[:8],
        )

    @admin.display(description="entry hash")
    def short_hash(self, obj):
        return format_html('<code title="{}">{}…</code>', obj.entry_hash, obj.entry_hash[:8])

    # --- the trace page ------------------------------------------------------------------------
    def get_urls(self):
        by_trace = path(
            "trace/<slug:organisation>/<uuid:trace_id>/",
            self.admin_site.admin_view(self.trace_view),
            name="traces_ledgerentry_trace",
        )
        return [by_trace, *super().get_urls()]  # before the change page's catch-all <path:id>

    def trace_view(self, request, organisation, trace_id):
        """A trace by its organisation and id: the address e-mails and webhooks give (an
        approval's outcome), known before its entries are. It opens that organisation's trace
        whichever organisation the reader last chose (trace ids are the SDK's, so two
        organisations may share one), and answers 404 to whoever may not read that ledger."""
        first = (
            self.get_queryset(request)
            .filter(organisation__slug=organisation, trace_id=trace_id)
            .order_by("seq")
            .values_list("pk", flat=True)
            .first()
        )
        if first is None:
            raise Http404("No such trace in your organisations' ledgers.")
        return redirect("admin:traces_ledgerentry_change", first)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, object_id)
        events = selectors.trace_events(organisation=entry.organisation, trace_id=entry.trace_id)
        shown = []
        for event in events:
            own_ok = (
                event.redacted or chain.sha256_hex(event.payload) == event.payload_hash
            ) and chain.entry_hash(
                event.prev_hash, event.fields_text(), event.payload_hash
            ) == event.entry_hash
            shown.append(
                {
                    "entry": event,
                    "client": json.dumps(event.client_data, indent=2, ensure_ascii=False),
                    "server": event.server_data,
                    "server_json": json.dumps(event.server_data, indent=2, ensure_ascii=False),
                    "payload": None
                    if event.redacted and "remaining" not in event.payload_data
                    else json.dumps(event.erasable_payload, indent=2, ensure_ascii=False),
                    "redaction": _redaction(event.payload_data.get("redacted"))
                    if event.redacted
                    else None,
                    "policies": [
                        p for p in event.server_data.get("policies", []) if isinstance(p, dict)
                    ],
                    "own_ok": own_ok,
                    "selected": event.pk == entry.pk,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Trace {entry.trace_id}",
            "subtitle": None,
            "entry": entry,
            "events": shown,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "traces/admin_trace.html", context)

    # --- actions --------------------------------------------------------------------------------
    def _organisations(self, queryset):
        return Organisation.objects.filter(
            pk__in=queryset.order_by().values("organisation_id").distinct()
        )

    @admin.action(description="Verify the ledger of the selected entries' organisation")
    def verify_chain(self, request, queryset):
        for organisation in self._organisations(queryset):
            result = ledger_verify(organisation=organisation)
            if result.ok:
                self.message_user(
                    request,
                    (
                        f"{organisation}: ledger intact — {result.entries} entries verified up to #{result.head_seq}, "
                        f"{result.checkpoints_checked} signed checkpoint(s) matched."
                    ),
                    messages.SUCCESS,
                )
            else:
                b = result.first_break
                self.message_user(
                    request,
                    f"{organisation}: ledger BROKEN at entry #{b.seq} ({b.kind}): {b.detail}",
                    messages.ERROR,
                )

    @admin.action(description="Sign a checkpoint of the chain head now")
    def sign_checkpoint(self, request, queryset):
        for organisation in self._organisations(queryset):
            checkpoint = checkpoint_create(organisation=organisation, actor=request.user)
            self.message_user(
                request,
                f"{organisation}: checkpoint signed at #{checkpoint.seq} (key {checkpoint.key_id}).",
                messages.SUCCESS,
            )

    @admin.action(description="Export the organisation's whole ledger (JSONL, verifiable offline)")
    def export_ledger(self, request, queryset):
        organisations = list(self._organisations(queryset))
        if len(organisations) != 1:
            self.message_user(
                request,
                "Select entries of one organisation to export its ledger.",
                messages.WARNING,
            )
            return None
        organisation = organisations[0]
        audit_log_write(
            organisation=organisation,
            actor=request.user,
            action=AuditAction.LEDGER_EXPORTED,
            object_type="traces.ledger",
            object_id=str(organisation.pk),
            object_repr=f"ledger of {organisation}",
        )
        lines = (line + "\n" for line in export_jsonl(organisation=organisation))
        response = StreamingHttpResponse(lines, content_type="application/x-ndjson")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = (
            f'attachment; filename="ledger-{organisation.slug}-{stamp}.jsonl"'
        )
        return response


@admin.register(LedgerCheckpoint)
class LedgerCheckpointAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    view_capability = "traces.read"
    list_display = ["created_at", "organisation", "kind", "seq", "removed", "short_hash", "key_id"]
    list_filter = ["kind"]
    list_select_related = ["organisation"]
    show_full_result_count = False
    fields = [
        "organisation",
        "kind",
        "seq",
        "entry_hash",
        "removed",
        "created_at",
        "key_id",
        "signature",
    ]
    readonly_fields = fields

    @admin.display(description="entry hash")
    def short_hash(self, obj):
        return format_html("<code>{}…</code>", obj.entry_hash[:12])


@admin.register(LedgerRedaction)
class LedgerRedactionAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    audited = False  # the erasure is audited on its data-subject request
    view_capability = "traces.read"
    list_display = ["redacted_at", "organisation", "entry_id", "request", "actor_label"]
    list_select_related = ["organisation", "request"]
    fields = ["organisation", "entry", "request", "payload_hash", "redacted_at", "actor_label"]
    readonly_fields = fields
    raw_id_fields = ["entry"]
