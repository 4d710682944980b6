"""Checkpoints, retention and erasure keep the chain verifiable."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from governance.models import AuditLog, Plan
from governance.services import data_subject_request_create
from privacy.services import dsr_erase, dsr_verify_identity
from tests.factories import append_completion
from traces import chain, signing
from traces.erasure import ledger_payloads_redact
from traces.models import CheckpointKind, LedgerCheckpoint, LedgerEntry
from traces.services import (
    checkpoint_create,
    checkpoints_create_all,
    retention_apply,
    retention_apply_all,
)
from traces.verification import ledger_verify

from .conftest import raw_sql

pytestmark = pytest.mark.django_db


def test_checkpoint_signs_the_head_once_per_move(org, fill_ledger, owner):
    assert checkpoint_create(organisation=org) is None  # empty chain
    fill_ledger(org, 5)
    checkpoint = checkpoint_create(organisation=org)
    assert (checkpoint.seq, checkpoint.kind) == (5, CheckpointKind.HEAD)
    assert signing.signature_valid(checkpoint.statement(), checkpoint.signature)
    assert checkpoint.key_id == signing.key_id()
    assert checkpoint_create(organisation=org) is None  # nothing new
    assert (
        checkpoint_create(organisation=org, actor=owner) == checkpoint
    )  # on demand: the current one
    fill_ledger(org, 2)
    assert checkpoints_create_all() == 1
    assert LedgerCheckpoint.objects.filter(organisation=org, kind="head").count() == 2
    result = ledger_verify(organisation=org)
    assert result.ok and result.checkpoints_checked == 2 and result.latest_checkpoint.seq == 7


def test_signing_key_falls_back_to_one_derived_from_secret_key(settings):
    settings.LEDGER_SIGNING_KEY = None
    derived = signing.signing_key()
    assert derived and derived != settings.SECRET_KEY.encode()
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    assert signing.signing_key() != derived


def raw_sql_is_pg():
    from django.db import connection

    return connection.vendor == "postgresql"


def test_retention_removes_the_oldest_prefix_and_the_rest_still_verifies(org, fill_ledger):
    fill_ledger(org, 30)
    with_aged_entries(org, 12, days=8)
    ids_before = list(
        LedgerEntry.objects.filter(organisation=org)
        .order_by("seq")
        .values_list("entry_hash", flat=True)
    )
    checkpoint = retention_apply(organisation=org)
    assert (checkpoint.kind, checkpoint.seq, checkpoint.removed) == ("retention", 12, 12)
    assert checkpoint.entry_hash == ids_before[11]
    assert signing.signature_valid(checkpoint.statement(), checkpoint.signature)
    assert LedgerEntry.objects.filter(organisation=org).order_by("seq").first().seq == 13
    result = ledger_verify(organisation=org)
    assert result.ok and result.entries == 18 and result.start_seq == 12
    audit = AuditLog.objects.get(organisation=org, action="ledger.retention_applied")
    assert audit.after["removed"] == 12 and audit.after["retention_days"] == 7
    assert retention_apply(organisation=org) is None  # nothing more is due


def with_aged_entries(org, upto_seq, days):
    """Move the first entries back in time and re-seal the chain so it stays intact, as if
    they had really been recorded `days` ago."""
    when = timezone.now() - timedelta(days=days)
    rows = list(LedgerEntry.objects.filter(organisation=org).order_by("seq"))
    prev = chain.genesis_hash(org.pk)
    for row in rows:
        if row.seq <= upto_seq:
            row.recorded_at = when
        row.prev_hash = prev
        digest = chain.entry_hash(prev, row.fields_text(), row.payload_hash)
        stored = when if raw_sql_is_pg() else when.replace(tzinfo=None).isoformat(" ")
        raw_sql(
            "UPDATE traces_ledgerentry SET recorded_at = CASE WHEN seq <= %s THEN %s ELSE recorded_at END,"
            " prev_hash = %s, entry_hash = %s WHERE id = %s",
            [upto_seq, stored, prev, digest, row.id],
        )
        prev = digest
    raw_sql(
        "UPDATE traces_ledgerchain SET head_hash = %s WHERE organisation_id = %s", [prev, org.pk]
    )


def test_retention_follows_the_plan(org, other_org, fill_ledger):
    org.plan = Plan.PRO
    org.save()
    other_org.plan, other_org.retention_unlimited = Plan.ENTERPRISE, True
    other_org.save()
    fill_ledger(org, 4)
    fill_ledger(other_org, 4)
    with_aged_entries(org, 2, days=30)
    with_aged_entries(other_org, 4, days=3000)
    assert retention_apply_all() == 0  # 30 days < 90 (pro); enterprise unlimited
    with_aged_entries(org, 2, days=91)
    assert retention_apply_all() == 2
    assert ledger_verify(organisation=org).ok and ledger_verify(organisation=other_org).ok


def test_retention_batches_continue_where_they_stopped(org, fill_ledger):
    fill_ledger(org, 10)
    with_aged_entries(org, 10, days=8)
    assert retention_apply(organisation=org, max_entries=4).seq == 4
    assert retention_apply(organisation=org, max_entries=4).seq == 8
    assert retention_apply(organisation=org, max_entries=4).seq == 10
    result = ledger_verify(organisation=org)
    assert result.ok and result.entries == 0


def test_deleting_more_than_retention_removed_is_still_detected(org, fill_ledger):
    fill_ledger(org, 10)
    with_aged_entries(org, 3, days=8)
    retention_apply(organisation=org)
    raw_sql("DELETE FROM traces_ledgerentry WHERE organisation_id = %s AND seq = 4", [org.pk])
    result = ledger_verify(organisation=org)
    assert (result.first_break.kind, result.first_break.seq) == ("missing", 5)


@pytest.fixture
def erasure_request(org, owner):
    request = data_subject_request_create(
        organisation=org, kind="erasure", subject="jane@example.com", actor=owner
    )
    return dsr_verify_identity(request=request, actor=owner, how="e-mail reply")


def test_erasure_service_keeps_the_hash_and_records_the_request(org, owner, erasure_request):
    append_completion(org, None, tool="mail.send", input={"to": "jane@example.com", "body": "hi"})
    entry = LedgerEntry.objects.get(organisation=org)
    changed = ledger_payloads_redact(
        organisation=org,
        request=erasure_request,
        actor=owner,
        redactions={entry.pk: ({"input": {"to": "[erased]", "body": "hi"}, "output": None}, 1)},
    )
    assert changed == 1
    erased = LedgerEntry.objects.get(pk=entry.pk)
    assert erased.redacted and erased.payload_hash == entry.payload_hash
    assert erased.input == {"to": "[erased]", "body": "hi"}
    assert erased.payload_data["redacted"]["request"] == erasure_request.pk
    verification = ledger_verify(organisation=org)
    assert verification.ok and verification.redacted == 1
    assert AuditLog.objects.filter(organisation=org, action="ledger.erased").exists()


def test_erasure_service_needs_the_right(org, developer, erasure_request):
    with pytest.raises(PermissionDenied):
        ledger_payloads_redact(
            organisation=org, request=erasure_request, actor=developer, redactions={}
        )


def test_an_export_after_erasure_and_retention_still_verifies_offline(
    org, owner, erasure_request, fill_ledger
):
    import io

    from traces.export import export_jsonl, verify_export_lines

    fill_ledger(org, 6)
    with_aged_entries(org, 3, days=8)
    retention_apply(organisation=org)
    append_completion(org, None, tool="mail.send", input={"to": "jane@example.com"})
    checkpoint_create(organisation=org)
    dsr_erase(request=erasure_request, actor=owner)
    text = "\n".join(export_jsonl(organisation=org)) + "\n"
    result = verify_export_lines(io.StringIO(text))
    assert result.ok, result.error
    assert (result.entries, result.first_seq, result.redacted, result.checkpoints) == (4, 4, 1, 1)
    assert "jane" not in text
