"""django-q2 tasks of the policies app."""

from __future__ import annotations

from policies.testing import dry_run_execute


def dry_run(run_id: str, part: int = 0) -> None:
    """One part of a dry-run over the ledger too large to answer in the request
    (policies.testing)."""
    dry_run_execute(run_id=run_id, part=part)
