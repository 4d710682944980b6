"""Walking a chain and saying where and how it breaks.

``ChainWalker`` is shared by the live verification (rows read from the database) and the
offline one (rows read from an export), so both classify a break the same way:

* **altered** — the entry's content no longer matches its own hash (or its payload no longer
  matches ``payload_hash``, or a payload was blanked without an erasure record, or a signed
  checkpoint names another hash for this position);
* **missing** — positions are skipped (an entry was deleted), or the chain ends before the
  head recorded in ``LedgerChain``;
* **reordered** — an intact entry sits at the wrong place (its ``prev_hash`` points elsewhere);
* **foreign** — an entry the ledger service did not append: beyond the recorded head, or an
  entry that fits neither its own hash nor its place, or an intact-looking entry slipped
  between two genuine ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from django.db import connection

from governance.models import Organisation

from . import chain
from .ledger_rows import Row, iter_rows
from .models import CheckpointKind, LedgerChain, LedgerCheckpoint, LedgerEntry, LedgerRedaction
from .signing import key_id, signature_valid

ALTERED, MISSING, REORDERED, FOREIGN = "altered", "missing", "reordered", "foreign"


@dataclass
class Break:
    seq: int
    kind: str
    detail: str
    entry_id: int | None = None
    trace_id: str | None = None


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    first_break: Break | None
    start_seq: int
    head_seq: int
    head_hash: str
    redacted: int = 0
    checkpoints_checked: int = 0
    latest_checkpoint: LedgerCheckpoint | None = field(default=None, repr=False)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("latest_checkpoint")
        return data


class ChainWalker:
    """Feed rows in ``seq`` order; ``feed`` returns the first Break or None. A row is a ``Row``
    or a plain tuple with the same fields in the same order."""

    def __init__(
        self,
        *,
        organisation_id: int,
        start_seq: int,
        start_hash: str,
        head_seq: int | None = None,
        checkpoints: dict[int, str] | None = None,
        redacted_ids: set[int] | None = None,
    ):
        self.organisation_id = organisation_id
        self.expected = start_seq + 1
        self.head = start_hash
        self.before_head: str | None = None
        self.last_row: tuple | None = None
        self.head_seq = head_seq
        self.checkpoints = checkpoints or {}
        self.redacted_ids = redacted_ids  # None: no erasure records to check against (export)
        self.entries = 0
        self.redacted = 0
        self.checkpoints_checked = 0

    def _break(self, row: tuple, kind: str, detail: str) -> Break:
        # By position: rows may be plain tuples in Row's layout (see iter_rows(plain=True)).
        return Break(seq=row[1], kind=kind, detail=detail, entry_id=row[0], trace_id=row[2])

    def _intact(self, rows: list[tuple], digests: list[str]) -> bool:
        """The common case, checked a whole chunk at a time with list comparisons (C speed):
        every row at its position, linked to the one before, its own hash and its payload hash
        right, no erased payload, every checkpoint in range matched. Then the walker moves past
        the chunk and returns True; else it returns False untouched, and the per-row walk finds
        and names the break."""
        n = len(rows)
        first = self.expected
        if self.head_seq is not None and first + n - 1 > self.head_seq:
            return False
        stored = [r[17] for r in rows]
        if (
            digests != stored
            or [r[1] for r in rows] != list(range(first, first + n))
            or [r[16] for r in rows] != [self.head, *stored[:-1]]
        ):
            return False
        sha256 = hashlib.sha256
        if [sha256(r[14].encode()).hexdigest() for r in rows] != [r[15] for r in rows]:
            return False  # an altered payload, or an erased one (checked row by row)
        checkpoints = self.checkpoints
        in_range = (
            [s for s in checkpoints if first <= s < first + n]
            if len(checkpoints) < n
            else [s for s in range(first, first + n) if s in checkpoints]
        )
        if any(checkpoints[s] != stored[s - first] for s in in_range):
            return False
        if n:
            self.before_head = stored[-2] if n > 1 else self.head
            self.head, self.last_row = stored[-1], rows[-1]
        self.expected = first + n
        self.entries += n
        self.checkpoints_checked += len(in_range)
        return True

    def feed(self, rows: Iterable[tuple]) -> Break | None:
        rows = rows if isinstance(rows, list) else list(rows)
        # Every row's own hash, recomputed from its values (chain.FIELDS) in one generated pass.
        digests = chain.entry_hashes(rows, Row._fields, organisation=self.organisation_id)
        if self._intact(rows, digests):
            return None
        sha256 = hashlib.sha256
        is_redacted = chain.is_redacted
        head, head_seq, expected = self.head, self.head_seq, self.expected
        checkpoints, redacted_ids = self.checkpoints, self.redacted_ids
        try:
            for row, recomputed in zip(rows, digests, strict=True):
                (row_id, seq, _, _, _, _, _, _, _, _, _, _, _, _, payload, payload_hash, prev_hash,
                 digest) = row  # fmt: skip
                if head_seq is not None and seq > head_seq:
                    return self._break(
                        row,
                        FOREIGN,
                        f"entry #{seq} lies beyond the chain head #{head_seq}: it was not appended by the ledger",
                    )
                if seq > expected:
                    first, last = expected, seq - 1
                    span = f"#{first}" if first == last else f"#{first}–#{last}"
                    return self._break(row, MISSING, f"entries {span} are missing before #{seq}")
                payload_ok = True
                if is_redacted(payload):
                    self.redacted += 1
                    if redacted_ids is not None and row_id not in redacted_ids:
                        payload_ok = False
                elif sha256(payload.encode()).hexdigest() != payload_hash:
                    payload_ok = False
                own_ok = payload_ok and recomputed == digest
                if prev_hash != head or not own_ok:
                    if prev_hash == head:
                        what = "its payload" if not payload_ok else "its fields"
                        return self._break(
                            row, ALTERED, f"entry #{seq}: {what} no longer match its hash"
                        )
                    if own_ok and self.last_row is not None and prev_hash == self.before_head:
                        prev = self.last_row
                        return self._break(
                            prev,
                            FOREIGN,
                            f"entry #{prev[1]} was inserted between #{prev[1] - 1} and #{seq}",
                        )
                    if own_ok:
                        return self._break(
                            row,
                            REORDERED,
                            f"entry #{seq} is intact but does not follow #{seq - 1}: entries were moved",
                        )
                    return self._break(
                        row,
                        FOREIGN,
                        f"entry #{seq} matches neither its own hash nor its place in the chain",
                    )
                if checkpoints:
                    expected_hash = checkpoints.get(seq)
                    if expected_hash is not None:
                        self.checkpoints_checked += 1
                        if expected_hash != digest:
                            return self._break(
                                row,
                                ALTERED,
                                f"entry #{seq} differs from the signed checkpoint at that position: history was rewritten",
                            )
                self.before_head, head, self.last_row = head, digest, row
                expected = seq + 1
                self.entries += 1
            return None
        finally:
            self.head, self.expected = head, expected


def checkpoint_hashes(
    organisation: Organisation, after_seq: int
) -> tuple[dict[int, str], Break | None]:
    """The head checkpoints past ``after_seq`` whose signature holds; a bad signature is a break."""
    hashes: dict[int, str] = {}
    for checkpoint in LedgerCheckpoint.objects.filter(
        organisation=organisation, kind=CheckpointKind.HEAD, seq__gt=after_seq
    ).order_by("seq"):
        if not signature_valid(checkpoint.statement(), checkpoint.signature):
            return hashes, Break(
                seq=checkpoint.seq,
                kind=ALTERED,
                detail=f"checkpoint {checkpoint.pk} at #{checkpoint.seq} has an invalid signature"
                + (
                    " (forged or altered)"
                    if checkpoint.key_id == key_id()
                    else f" (signed with key {checkpoint.key_id}, not the configured key {key_id()})"
                ),
            )
        hashes[checkpoint.seq] = checkpoint.entry_hash
    return hashes, None


def _verify_segment(task: tuple) -> dict | None:
    """Worker: verify entries lo..hi on their own (links inside the segment, every hash and
    checkpoint). Returns what the joints need, or None when anything is off."""
    organisation_id, lo, hi, head_seq, checkpoints, redacted_ids, chunk = task
    walker = None
    first_prev = None
    try:
        for rows in iter_rows(
            organisation_id, after_seq=lo - 1, up_to_seq=hi, chunk=chunk, plain=True
        ):
            if walker is None:
                first_prev = rows[0][16]  # prev_hash
                walker = ChainWalker(
                    organisation_id=organisation_id,
                    start_seq=lo - 1,
                    start_hash=first_prev,
                    head_seq=head_seq,
                    checkpoints=checkpoints,
                    redacted_ids=redacted_ids,
                )
            if walker.feed(rows) is not None:
                return None
    finally:
        connection.close()
    if walker is None or walker.expected - 1 != hi:
        return None
    return {
        "first_prev": first_prev,
        "last": walker.head,
        "entries": walker.entries,
        "redacted": walker.redacted,
        "checkpoints_checked": walker.checkpoints_checked,
    }


def _verify_parallel(
    organisation_id: int,
    start_seq: int,
    start_hash: str,
    head: LedgerChain,
    checkpoints: dict,
    redacted_ids: set,
    workers: int,
    chunk: int,
    progress,
) -> dict | None:
    """Split the chain into segments verified by ``workers`` processes, then check that the
    segments join (each one's first ``prev_hash`` is the previous one's last hash). None when
    anything does not hold: the caller then walks sequentially to locate the first break."""
    import multiprocessing

    from django.db import connections

    total = head.length - start_seq
    pieces = workers * 4
    bounds = [start_seq + total * i // pieces for i in range(pieces + 1)]
    tasks = [
        (
            organisation_id,
            bounds[i] + 1,
            bounds[i + 1],
            head.length,
            checkpoints,
            redacted_ids,
            chunk,
        )
        for i in range(pieces)
        if bounds[i + 1] > bounds[i]
    ]
    connections.close_all()  # children open their own connections
    for conn in connections.all():
        # A pooled connection stays open in the pool: forked children would share its socket.
        if getattr(conn, "close_pool", None) is not None and conn.vendor == "postgresql":
            conn.close_pool()
    results = []
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        # Every result is taken, even after a broken segment: terminating a pool while its task
        # handler is still feeding segments can leave that thread blocked for ever (seen as a
        # hung test run). The rest of the segments is the price of the rare broken chain.
        for task, result in zip(tasks, pool.imap(_verify_segment, tasks), strict=True):
            results.append(result)
            if progress is not None and result is not None:
                progress(task[2] - task[1] + 1)
    if any(result is None for result in results):
        return None
    expected = start_hash
    for result in results:
        if result["first_prev"] != expected:
            return None
        expected = result["last"]
    if expected != head.head_hash:
        return None
    return {
        "entries": sum(r["entries"] for r in results),
        "redacted": sum(r["redacted"] for r in results),
        "checkpoints_checked": sum(r["checkpoints_checked"] for r in results),
        "head": expected,
    }


def ledger_verify(
    *,
    organisation: Organisation,
    progress: Callable[[int], None] | None = None,
    chunk: int = 10_000,
    workers: int = 1,
    min_per_worker: int = 20_000,
) -> VerifyResult:
    """Verify the organisation's chain from its latest retention checkpoint to its head.

    ``workers`` > 1 verifies segments of a long chain in that many processes (fork) and joins
    them; if anything is off it falls back to the sequential walk, which locates the first
    break. Use it from commands and tasks, not from a threaded web server."""
    from .selectors import checkpoint_latest, retention_base

    base = retention_base(organisation=organisation)
    if base is not None and not signature_valid(base.statement(), base.signature):
        broken = Break(
            seq=base.seq,
            kind=ALTERED,
            detail="the retention checkpoint the chain starts from has an invalid signature",
        )
        return VerifyResult(
            ok=False,
            entries=0,
            first_break=broken,
            start_seq=base.seq,
            head_seq=base.seq,
            head_hash=base.entry_hash,
        )
    start_seq = base.seq if base else 0
    start_hash = base.entry_hash if base else chain.genesis_hash(organisation.pk)
    head = LedgerChain.objects.filter(organisation=organisation).first()
    checkpoints, bad_checkpoint = checkpoint_hashes(organisation, start_seq)
    walker = ChainWalker(
        organisation_id=organisation.pk,
        start_seq=start_seq,
        start_hash=start_hash,
        head_seq=head.length if head else None,
        checkpoints=checkpoints,
        redacted_ids=set(
            LedgerRedaction.objects.filter(organisation=organisation).values_list(
                "entry_id", flat=True
            )
        ),
    )
    broken = bad_checkpoint
    if (
        broken is None
        and workers > 1
        and head is not None
        and head.length - start_seq >= min_per_worker * workers
        and not LedgerEntry.objects.filter(organisation=organisation, seq__gt=head.length).exists()
    ):
        fast = _verify_parallel(
            organisation.pk,
            start_seq,
            start_hash,
            head,
            checkpoints,
            walker.redacted_ids,
            workers,
            chunk,
            progress,
        )
        if fast is not None:
            return VerifyResult(
                ok=True,
                entries=fast["entries"],
                first_break=None,
                start_seq=start_seq,
                head_seq=head.length,
                head_hash=head.head_hash,
                redacted=fast["redacted"],
                checkpoints_checked=fast["checkpoints_checked"],
                latest_checkpoint=checkpoint_latest(
                    organisation=organisation, kind=CheckpointKind.HEAD
                ),
            )
    if broken is None:
        for rows in iter_rows(organisation.pk, after_seq=start_seq, chunk=chunk, plain=True):
            broken = walker.feed(rows)
            if progress is not None:
                progress(len(rows))
            if broken is not None:
                break
    if broken is None and head is not None and (walker.expected - 1 < head.length):
        first = walker.expected
        broken = Break(
            seq=first,
            kind=MISSING,
            detail=f"the chain ends at #{first - 1} but its head is #{head.length}: entries #{first}–#{head.length} are missing",
        )
    if (
        broken is None
        and head is not None
        and head.length >= walker.expected - 1
        and walker.entries
        and walker.head != head.head_hash
    ):
        broken = Break(
            seq=head.length,
            kind=ALTERED,
            detail="the last entry's hash differs from the recorded chain head",
        )
    return VerifyResult(
        ok=broken is None,
        entries=walker.entries,
        first_break=broken,
        start_seq=start_seq,
        head_seq=head.length if head else 0,
        head_hash=head.head_hash if head else start_hash,
        redacted=walker.redacted,
        checkpoints_checked=walker.checkpoints_checked,
        latest_checkpoint=checkpoint_latest(organisation=organisation, kind=CheckpointKind.HEAD),
    )
