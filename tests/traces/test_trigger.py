"""On PostgreSQL the database itself refuses changes to the ledger outside retention/erasure."""

import pytest
from django.db import DatabaseError, connection, transaction

from traces.models import LedgerEntry

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


def run(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def test_update_and_delete_are_refused(org, fill_ledger):
    fill_ledger(org, 3)
    entry = LedgerEntry.objects.filter(organisation=org).first()
    with pytest.raises(DatabaseError, match="append-only"):
        run("UPDATE traces_ledgerentry SET tool = 'x' WHERE id = %s", [entry.id])
    with pytest.raises(DatabaseError, match="append-only"):
        run("DELETE FROM traces_ledgerentry WHERE id = %s", [entry.id])
    assert LedgerEntry.objects.filter(organisation=org).count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_erasure_flag_allows_only_the_payload_to_change(org, fill_ledger):
    fill_ledger(org, 1)
    entry = LedgerEntry.objects.get(organisation=org)
    with pytest.raises(DatabaseError, match="append-only"):
        run(
            "SET LOCAL execlave.ledger_maintenance = 'erasure'; UPDATE traces_ledgerentry SET tool = 'x' WHERE id = %s",
            [entry.id],
        )
    with pytest.raises(DatabaseError, match="append-only"):
        run(
            "SET LOCAL execlave.ledger_maintenance = 'erasure'; DELETE FROM traces_ledgerentry WHERE id = %s",
            [entry.id],
        )
    run(
        "SET LOCAL execlave.ledger_maintenance = 'erasure'; UPDATE traces_ledgerentry SET payload = '{\"redacted\":{}}' WHERE id = %s",
        [entry.id],
    )
    # The flag is transaction-local: the next transaction is refused again.
    with pytest.raises(DatabaseError, match="append-only"):
        run("UPDATE traces_ledgerentry SET payload = 'x' WHERE id = %s", [entry.id])


def test_the_retention_flag_allows_only_deletes(org, fill_ledger):
    fill_ledger(org, 2)
    entry = LedgerEntry.objects.filter(organisation=org).first()
    with pytest.raises(DatabaseError, match="append-only"):
        run(
            "SET LOCAL execlave.ledger_maintenance = 'retention'; UPDATE traces_ledgerentry SET payload = 'x' WHERE id = %s",
            [entry.id],
        )
    run(
        "SET LOCAL execlave.ledger_maintenance = 'retention'; DELETE FROM traces_ledgerentry WHERE id = %s",
        [entry.id],
    )
    assert LedgerEntry.objects.filter(organisation=org).count() == 1


def test_checkpoints_are_refused_changes(org, fill_ledger):
    from traces.services import checkpoint_create

    fill_ledger(org, 2)
    checkpoint = checkpoint_create(organisation=org)
    with pytest.raises(DatabaseError, match="append-only"):
        run("UPDATE traces_ledgercheckpoint SET seq = 1 WHERE id = %s", [checkpoint.id])
    with pytest.raises(DatabaseError, match="append-only"):
        run(
            "SET LOCAL execlave.ledger_maintenance = 'retention'; DELETE FROM traces_ledgercheckpoint WHERE id = %s",
            [checkpoint.id],
        )
