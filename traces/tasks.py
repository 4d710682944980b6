"""django-q2 entry points (see schedules.py). Each calls a service; each is safe with several
workers (unique checkpoints make a concurrent duplicate a no-op)."""

from __future__ import annotations

from . import services


def sign_checkpoints() -> int:
    """Sign the head of every chain that moved since its last checkpoint."""
    return services.checkpoints_create_all()


def apply_retention() -> int:
    """Remove entries past each organisation's retention (oldest first); returns how many."""
    return services.retention_apply_all()
