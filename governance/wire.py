"""How the API writes a time: UTC with a ``Z``, as DESIGN.md's examples and the traces API do.

Lowest layer, so every app's answers (``/check``, the long-poll, a dry-run) write it one way.
Times already stored in JSON (audit rows, hashed report bodies) keep the text they were
written with.
"""

from __future__ import annotations

from datetime import UTC, datetime


def wire_time(moment: datetime) -> str:
    """``2025-03-12T11:30:00.250000Z``, whatever TIME_ZONE says."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
