"""django-q2 entry points of the check orchestration (enqueued by ``services``)."""

from __future__ import annotations

from governance.models import Organisation

from . import services


def reconcile_costs(organisation_id: int, items: list[dict] | None = None) -> int:
    """Count the organisation's queued costs against its budgets (one task drains them all).

    ``items`` is the payload of tasks queued before reconciliation was coalesced; they are
    counted as they came (``budget_reconcile`` is idempotent per trace)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    done = services.costs_reconcile(organisation=organisation, items=items) if items else 0
    return done + services.costs_reconcile_pending(organisation=organisation)
