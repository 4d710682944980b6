"""What the check orchestration keeps between a request and its background work.

Reported costs wait in ``PendingCost`` until one reconcile task per organisation counts them
against the budgets: ingestion writes one row per costed trace (one bulk INSERT per batch) and
enqueues a task only when none is pending (``CostReconcileState``), so a flood of batches
costs one queued task per organisation, not one per batch.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from policies.models import MONEY


class PendingCost(models.Model):
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    trace_id = models.UUIDField()
    agent = models.ForeignKey(
        "governance.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tool = models.CharField(max_length=200)
    cost = models.DecimalField(**MONEY)
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["organisation", "id"], name="pending_cost_org_id")]

    def __str__(self) -> str:
        return f"{self.cost} for {self.trace_id}"


class CostReconcileState(models.Model):
    """One row per organisation: ``pending`` while a reconcile task is queued and not started."""

    organisation = models.OneToOneField(
        "governance.Organisation", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    pending = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"reconcile pending={self.pending}"
