"""The identifier index of the ledger (``IdentifierToken``), kept off the append path.

Ingestion (28k traces/s) does not pay for it: a django-q2 schedule indexes each organisation's
new entries every minute (``index_all``), and every search first indexes whatever is still
pending for its organisation (``index_pending``), so a search never misses a recent entry.
Erasure re-indexes the entries it changed, so the index holds no key of an erased value.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from governance.models import Organisation
from traces.models import LedgerChain, LedgerEntry

from . import matching
from .models import IdentifierToken, IndexWatermark

BATCH = 5000


def _rows_keys(rows) -> list[tuple[int, int]]:
    # The stored canonical text is tokenised as it is (no JSON parsing): an erased payload's
    # marker adds a few harmless keys, its erased values are gone from the text.
    pairs = []
    keys_of = matching.index_keys_text
    for entry_id, payload, client in rows:
        pairs.extend((key, entry_id) for key in keys_of(payload + " " + client))
    return pairs


def _insert(organisation_id: int, pairs: list[tuple[int, int]]) -> None:
    if not pairs:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_sql = "COPY privacy_identifiertoken (organisation_id, key, entry_id) FROM STDIN"
            org = str(int(organisation_id))
            with cursor.copy(copy_sql) as copy:
                copy.write("".join(f"{org}\t{key}\t{entry_id}\n" for key, entry_id in pairs))
        return
    IdentifierToken.objects.bulk_create(
        [IdentifierToken(organisation_id=organisation_id, key=k, entry_id=e) for k, e in pairs],
        batch_size=2000,
    )


def index_pending(*, organisation: Organisation, batch: int = BATCH, progress=None) -> int:
    """Index the organisation's entries appended since the last run; returns how many.
    Serialised per organisation by a row lock on its watermark."""
    indexed = 0
    while True:
        with transaction.atomic():
            IndexWatermark.objects.get_or_create(organisation_id=organisation.pk)
            mark = IndexWatermark.objects.select_for_update().get(organisation_id=organisation.pk)
            rows = list(
                LedgerEntry.objects.filter(organisation=organisation, seq__gt=mark.seq)
                .order_by("seq")
                .values_list("seq", "id", "payload", "client")[:batch]
            )
            if not rows:
                return indexed
            _insert(organisation.pk, _rows_keys([(r[1], r[2], r[3]) for r in rows]))
            mark.seq = rows[-1][0]
            mark.updated_at = timezone.now()
            mark.save(update_fields=["seq", "updated_at"])
        indexed += len(rows)
        if progress is not None:
            progress(len(rows))
        if len(rows) < batch:
            return indexed


def index_all() -> int:
    """Scheduled: bring every organisation's index up to date."""
    total = 0
    for head in LedgerChain.objects.select_related("organisation"):
        total += index_pending(organisation=head.organisation)
    return total


@transaction.atomic
def reindex_entries(*, organisation: Organisation, entry_ids: list[int]) -> None:
    """Drop and rebuild the keys of entries whose payload changed (after an erasure)."""
    if not entry_ids:
        return
    IdentifierToken.objects.filter(organisation_id=organisation.pk, entry_id__in=entry_ids).delete()
    mark = IndexWatermark.objects.filter(organisation_id=organisation.pk).first()
    rows = LedgerEntry.objects.filter(organisation=organisation, id__in=entry_ids)
    if mark is None:
        return  # nothing indexed yet: the next run indexes these entries as they are now
    rows = rows.filter(seq__lte=mark.seq).values_list("id", "payload", "client")
    _insert(organisation.pk, _rows_keys(rows))


def candidate_ids(*, organisation: Organisation, keys: list[int]) -> list[int]:
    if not keys:
        return []
    return sorted(
        set(
            IdentifierToken.objects.filter(
                organisation_id=organisation.pk, key__in=keys
            ).values_list("entry_id", flat=True)
        )
    )
