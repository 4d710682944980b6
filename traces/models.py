"""The ledger: one row per event of a trace, hash-chained per organisation.

Layout chosen for verification speed and for PostgreSQL at scale:

* ``client``, ``server`` and ``payload`` are stored as their *canonical JSON text* (not jsonb),
  so a verifier hashes exactly the stored bytes without parsing or re-serialising them.
* ``status``, ``decision``, ``policies``, ``agent_name``, ``tool`` are plain columns for the
  admin's filters and indexes; they are covered by ``entry_hash`` like every other column.
* ``seq`` is the position in the organisation's chain (1, 2, 3, ...). Together with
  ``organisation`` it is unique; no other unique key spans the table, so it can be
  partitioned by month on ``recorded_at`` (see docs/operations.md, "PostgreSQL at scale").
"""

from __future__ import annotations

import json
from functools import cached_property

from django.db import models
from django.utils import timezone

from governance.models import Agent, AppendOnlyQuerySet, Organisation

from . import chain


class EventKind(models.TextChoices):
    DECISION = "decision", "Decision (check)"
    OUTPUT_DECISION = "output_decision", "Output decision"
    APPROVAL = "approval", "Approval"
    COMPLETION = "completion", "Completion"
    CORRECTION = "correction", "Correction (data-subject rectification)"


class TraceStatus(models.TextChoices):
    OK = "ok", "ok"
    ERROR = "error", "error"
    BLOCKED = "blocked", "blocked"
    DENIED = "denied", "denied"


# Values a filter asks for that are a small share of a ledger: partial indexes cover them.
RARE_STATUSES = ["blocked", "denied", "error"]
RARE_DECISIONS = ["block", "require_approval", "warn"]
RARE_KINDS = ["approval", "output_decision"]


class LedgerEntry(models.Model):
    """An immutable ledger entry. Only the retention and erasure services change rows (on
    PostgreSQL a trigger refuses everything else)."""

    # No index of its own (the unique keys below start with the organisation) and no database
    # constraint: a foreign-key check is a trigger per inserted row, a third of the cost of a
    # 1,000-row COPY. Django's collector still enforces PROTECT, organisations are never
    # deleted while they have entries, and organisation_id is covered by entry_hash.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    seq = models.BigIntegerField(help_text="Position in the organisation's chain, from 1.")
    trace_id = models.UUIDField()
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    # Not hashed (agent_name is); indexed by (agent, seq) below, no database constraint (as above).
    agent = models.ForeignKey(
        Agent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    agent_name = models.CharField(max_length=120, blank=True, null=True)  # noqa: DJ001 — null: no agent
    tool = models.CharField(max_length=200)
    status = models.CharField(max_length=16, blank=True)
    decision = models.CharField(max_length=24, blank=True)
    # "|3|17|": ids of the policies evaluated for this event, for the admin's policy filter.
    policies = models.CharField(max_length=2000, blank=True)
    opens_trace = models.BooleanField(
        default=False, help_text="The first event recorded for its trace."
    )
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    client = models.TextField(
        help_text="Canonical JSON of the fields exactly as the client sent them."
    )
    server = models.TextField(help_text="Canonical JSON of what the server computed.")
    payload = models.TextField(
        help_text="Canonical JSON of input and output, or a redaction marker."
    )
    payload_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "ledger entry"
        verbose_name_plural = "ledger entries"
        ordering = ["-seq"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "seq"], name="ledger_org_seq_unique"),
            models.UniqueConstraint(
                fields=["organisation", "trace_id", "kind"], name="ledger_org_trace_kind_unique"
            ),
        ]
        # Each index costs every append (a 1,000-row COPY into the table with the former nine
        # full btree indexes ran at a third of the speed of a plain table), so only what the
        # admin's filters and the trace API cannot do otherwise. Filters on the common values
        # (status "ok", decision "allow", kind decision/completion) walk (organisation, seq)
        # backwards and find a page at once; the rare values have partial indexes. Time
        # ranges on recorded_at/occurred_at use BRIN indexes (rows arrive in time order),
        # made by migration 0006 on PostgreSQL only, so they are not declared here.
        indexes = [
            models.Index(fields=["agent", "seq"], name="ledger_agent_seq"),
            models.Index(fields=["organisation", "tool", "seq"], name="ledger_org_tool_seq"),
            models.Index(
                fields=["organisation", "status", "seq"],
                name="ledger_org_status_rare",
                condition=models.Q(status__in=RARE_STATUSES),
            ),
            models.Index(
                fields=["organisation", "decision", "seq"],
                name="ledger_org_decision_rare",
                condition=models.Q(decision__in=RARE_DECISIONS),
            ),
            models.Index(
                fields=["organisation", "kind", "seq"],
                name="ledger_org_kind_rare",
                condition=models.Q(kind__in=RARE_KINDS),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.tool} ({self.trace_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("Ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Ledger entries are append-only")

    # --- parsed views of the stored canonical text -------------------------------------------
    @cached_property
    def client_data(self) -> dict:
        return json.loads(self.client)

    @cached_property
    def server_data(self) -> dict:
        return json.loads(self.server)

    @cached_property
    def payload_data(self) -> dict:
        return json.loads(self.payload)

    @property
    def redacted(self) -> bool:
        return chain.is_redacted(self.payload)

    @property
    def erasable_payload(self) -> dict:
        """Input and output, or what an erasure left of them (erased values read
        ``[erased]``; both None when the whole payload was erased)."""
        if self.redacted:
            return self.payload_data.get("remaining") or {}
        return self.payload_data

    @property
    def input(self):
        return self.erasable_payload.get("input")

    @property
    def output(self):
        return self.erasable_payload.get("output")

    def fields_text(self) -> str:
        return chain.fields_text(
            organisation=self.organisation_id,
            trace_id=str(self.trace_id),
            kind=self.kind,
            agent=self.agent_name,
            tool=self.tool,
            status=self.status,
            decision=self.decision,
            policies=self.policies,
            opens_trace=self.opens_trace,
            occurred_at=chain.format_time(self.occurred_at),
            recorded_at=chain.format_time(self.recorded_at),
            client=self.client,
            server=self.server,
        )


class LedgerChain(models.Model):
    """The head of one organisation's chain. Appends lock this row (SELECT ... FOR UPDATE)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    length = models.BigIntegerField(default=0, help_text="seq of the last entry.")
    head_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"chain of {self.organisation_id} at {self.length}"


class CheckpointKind(models.TextChoices):
    HEAD = "head", "Head (signed snapshot)"
    RETENTION = "retention", "Retention (removed prefix)"


class LedgerCheckpoint(models.Model):
    """A signed statement "entry ``seq`` of this organisation's chain has hash ``entry_hash``".

    Head checkpoints are made on a schedule and on demand; a retention checkpoint records the
    last removed entry (its hash, how many were removed, when) so the rest still verifies."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=CheckpointKind.choices)
    seq = models.BigIntegerField()
    entry_hash = models.CharField(max_length=64)
    removed = models.BigIntegerField(default=0, help_text="Entries removed by this retention run.")
    created_at = models.DateTimeField(default=timezone.now)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two workers making the same checkpoint (or running retention at once): one wins.
            models.UniqueConstraint(
                fields=["organisation", "kind", "seq"], name="ledger_ckpt_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} checkpoint at #{self.seq} ({self.created_at:%Y-%m-%d %H:%M})"

    def statement(self) -> dict:
        return {
            "organisation": self.organisation_id,
            "kind": self.kind,
            "seq": self.seq,
            "entry_hash": self.entry_hash,
            "removed": self.removed,
            "created_at": chain.format_time(self.created_at),
            "key_id": self.key_id,
        }


class LedgerRedaction(models.Model):
    """Which entry's payload was erased, when, by whom and under which data-subject request."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # No database constraint: retention may later remove the entry; this record stays.
    entry = models.ForeignKey(
        LedgerEntry, on_delete=models.DO_NOTHING, db_constraint=False, related_name="redactions"
    )
    request = models.ForeignKey(
        "governance.DataSubjectRequest", null=True, on_delete=models.PROTECT, related_name="+"
    )
    payload_hash = models.CharField(max_length=64)
    redacted_at = models.DateTimeField(default=timezone.now)
    actor_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["-redacted_at"]

    def __str__(self) -> str:
        return f"payload of entry {self.entry_id} erased {self.redacted_at:%Y-%m-%d}"
