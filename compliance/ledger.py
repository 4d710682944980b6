"""The ledger verification behind a report, shared by the reports generated close together.

Verifying a chain re-hashes every entry (``traces.verification.ledger_verify``): about 30-50 s
for a million entries on a small machine, more than a whole report should take. The reports
of one organisation are usually generated together (the monthly schedule requests every
framework at once), so a report reuses the verification recorded by a report of the same
organisation finished less than ``COMPLIANCE_VERIFICATION_REUSE_SECONDS`` ago (default one
hour) and verifies only the entries appended since, from the hash that verification ended
on, with traces' own ``ChainWalker``. The appendix says so: which report verified the prefix,
when, and where this report's own verification started. Set the setting to 0 to verify the
whole chain for every report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from governance.models import Organisation
from traces.models import CheckpointKind, LedgerChain, LedgerRedaction
from traces.selectors import checkpoint_latest, retention_base
from traces.verification import (
    ALTERED,
    MISSING,
    Break,
    ChainWalker,
    checkpoint_hashes,
    iter_rows,
    ledger_verify,
)

from .models import Report, ReportStatus

DEFAULT_REUSE_SECONDS = 3600


@dataclass
class Verification:
    """What the report needs of a verification (a superset of traces' VerifyResult)."""

    ok: bool
    entries: int
    first_break: Any
    start_seq: int
    head_seq: int
    head_hash: str
    redacted: int = 0
    checkpoints_checked: int = 0
    latest_checkpoint: Any = field(default=None, repr=False)
    verified_at: datetime | None = None
    reused: dict[str, Any] | None = (
        None  # {"report", "verified_at", "up_to_seq"} when a prefix was reused
    )


def reuse_window() -> timedelta:
    return timedelta(
        seconds=int(
            getattr(settings, "COMPLIANCE_VERIFICATION_REUSE_SECONDS", DEFAULT_REUSE_SECONDS)
        )
    )


def _previous(
    organisation: Organisation, now: datetime, exclude_report: int | None
) -> tuple[int, dict] | None:
    window = reuse_window()
    if window.total_seconds() <= 0:
        return None
    candidates = (
        Report.objects.filter(
            organisation=organisation, status=ReportStatus.DONE, generated_at__gte=now - window
        )
        .exclude(pk=exclude_report)
        .order_by("-generated_at")
        .values_list("pk", "content__appendix__ledger")[:5]
    )
    for pk, ledger in candidates:
        if isinstance(ledger, str):  # some backends hand back JSON text for a key transform
            ledger = json.loads(ledger)
        if (
            ledger
            and ledger.get("ok")
            and ledger.get("head_seq") is not None
            and ledger.get("head")
        ):
            return pk, ledger
    return None


def verify_for_report(
    *, organisation: Organisation, now: datetime | None = None, exclude_report: int | None = None
) -> Verification:
    now = now or timezone.now()
    previous = _previous(organisation, now, exclude_report)
    base = retention_base(organisation=organisation)
    head = LedgerChain.objects.filter(organisation=organisation).first()
    usable = (
        previous is not None
        and head is not None
        and previous[1]["head_seq"] <= head.length
        # Retention has not cut the chain past the verified prefix's start since then.
        and (base.seq if base else 0) == previous[1].get("start_seq", 0)
    )
    if not usable:
        full = ledger_verify(organisation=organisation)
        return Verification(
            **{k: getattr(full, k) for k in Verification.__dataclass_fields__ if hasattr(full, k)},
            verified_at=timezone.now(),
        )

    report_id, prior = previous
    start_seq, start_hash = prior["head_seq"], prior["head"]
    checkpoints, bad_checkpoint = checkpoint_hashes(organisation, start_seq)
    walker = ChainWalker(
        organisation_id=organisation.pk,
        start_seq=start_seq,
        start_hash=start_hash,
        head_seq=head.length,
        checkpoints=checkpoints,
        redacted_ids=set(
            LedgerRedaction.objects.filter(organisation=organisation).values_list(
                "entry_id", flat=True
            )
        ),
    )
    broken = bad_checkpoint
    if broken is None:
        for rows in iter_rows(organisation.pk, after_seq=start_seq):
            broken = walker.feed(rows)
            if broken is not None:
                break
    if broken is None and walker.expected - 1 < head.length:
        first = walker.expected
        broken = Break(
            seq=first,
            kind=MISSING,
            detail=f"the chain ends at #{first - 1} but its head is #{head.length}",
        )
    if broken is None and walker.head != head.head_hash:
        broken = Break(
            seq=head.length,
            kind=ALTERED,
            detail="the last entry's hash differs from the recorded chain head",
        )
    return Verification(
        ok=broken is None,
        entries=int(prior.get("entries", 0)) + walker.entries,
        first_break=broken,
        start_seq=int(prior.get("start_seq", 0)),
        head_seq=head.length,
        head_hash=head.head_hash,
        redacted=int(prior.get("redacted", 0)) + walker.redacted,
        checkpoints_checked=int(prior.get("checkpoints_checked", 0)) + walker.checkpoints_checked,
        latest_checkpoint=checkpoint_latest(organisation=organisation, kind=CheckpointKind.HEAD),
        verified_at=timezone.now(),
        reused={
            "report": str(report_id),
            "verified_at": prior.get("verified_at"),
            "up_to_seq": start_seq,
            "tail_entries": walker.entries,
        },
    )
