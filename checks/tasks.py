"""django-q2 entry points of the check orchestration (enqueued by ``services``)."""

from __future__ import annotations

from governance.models import Organisation

from . import services


def reconcile_costs(organisation_id: int, items: list[dict]) -> int:
    """Costs of newly ingested traces, counted against the budgets (enqueued on ingestion)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    return services.costs_reconcile(organisation=organisation, items=items)
