"""django-q2 tasks of the policies app."""

from __future__ import annotations

from policies.testing import dry_run_execute, dry_run_fail_stalled


def dry_run(run_id: str, part: int = 0) -> None:
    """One part of a dry-run over the ledger too large to answer in the request
    (policies.testing)."""
    dry_run_execute(run_id=run_id, part=part)


def fail_stalled_dry_runs() -> int:
    """Scheduled: mark failed the dry-runs whose parts stopped (a worker timed out or died)."""
    return dry_run_fail_stalled()
