"""The identifier index: searches see every entry, including ones appended since the last
indexing run, and erasure leaves no key of an erased value behind."""

import pytest

from privacy import identifier_index, matching, selectors
from privacy import services as privacy
from privacy.models import IdentifierToken, IndexWatermark
from privacy.tasks import index_identifiers

pytestmark = pytest.mark.django_db

EMAIL = {"type": "email", "value": "ann@x.com", "normalised": "ann@x.com"}
PHONE = {"type": "phone", "value": "909 451 3674", "normalised": "+19094513674"}


def _found(org, *identifiers):
    needles = [matching.needle_for(i) for i in identifiers]
    return selectors.ledger_matches(organisation=org, needles=needles)


def test_search_indexes_pending_entries_first(org, append):
    first = append(org, input={"to": "ann@x.com"})
    assert [m.trace_id for m in _found(org, EMAIL)] == [str(first)]
    watermark = IndexWatermark.objects.get(organisation_id=org.pk).seq
    later = append(org, input={"sms": "+1-909-451-3674"})
    assert IndexWatermark.objects.get(organisation_id=org.pk).seq == watermark  # not yet
    assert {m.trace_id for m in _found(org, EMAIL, PHONE)} == {str(first), str(later)}
    assert index_identifiers() == 0  # the search already brought the index up to date


def test_the_scheduled_task_indexes_every_organisation(org, other_org, append):
    append(org, input={"to": "ann@x.com"})
    append(other_org, input={"to": "ann@x.com"})
    assert index_identifiers() == 2
    assert IdentifierToken.objects.filter(organisation_id=other_org.pk).exists()


def test_identifiers_without_digit_or_at_sign_are_found_by_a_scan(org, append):
    entry = append(org, input={"member": "gold-member", "other": "goldmember"})
    found = _found(org, {"type": "other", "value": "gold-member", "key": "tier"})
    assert [m.trace_id for m in found] == [str(entry)]
    assert (
        matching.needle_key(matching.needle_for({"type": "other", "value": "gold-member"})) is None
    )


def test_erasure_leaves_no_key_of_the_erased_value(org, owner, append, file_request):
    append(org, input={"to": "ann@x.com", "order": "C-77"})
    request = file_request("erasure", identifiers=[EMAIL])
    privacy.dsr_erase(request=request, actor=owner)
    email_key = matching.needle_key(matching.needle_for(EMAIL))
    order_key = matching.needle_key(
        matching.needle_for({"type": "customer_id", "value": "C-77", "normalised": "C-77"})
    )
    keys = set(IdentifierToken.objects.filter(organisation_id=org.pk).values_list("key", flat=True))
    assert email_key not in keys and order_key in keys
    assert _found(org, EMAIL) == []


def test_reindexing_an_unindexed_organisation_is_a_no_op(org, append):
    entry_trace = append(org, input={"to": "ann@x.com"})
    from traces.models import LedgerEntry

    entry = LedgerEntry.objects.get(trace_id=entry_trace)
    identifier_index.reindex_entries(organisation=org, entry_ids=[entry.pk])
    assert not IdentifierToken.objects.exists()
    assert identifier_index.index_pending(organisation=org) == 1
