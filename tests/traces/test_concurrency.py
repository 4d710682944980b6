"""Eight threads ingesting into one organisation keep one unbroken chain and lose nothing."""

import threading
import uuid

import pytest
from django.db import connection

from traces.models import LedgerEntry
from traces.services import LedgerEvent, ledger_append
from traces.verification import ledger_verify

pytestmark = pytest.mark.django_db(transaction=True)


def test_eight_threads_one_unbroken_chain(org, api_client_for, trace_factory):
    per_thread, batches = 6, 5
    clients = [api_client_for(org, scopes=["ingest"]) for _ in range(8)]
    errors, sent = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def work(index):
        try:
            barrier.wait()
            for batch in range(batches):
                traces = [trace_factory() for _ in range(per_thread)]
                response = clients[index].post("/api/v1/traces", {"traces": traces}, format="json")
                if response.status_code != 200:
                    errors.append((index, batch, response.status_code, response.content[:300]))
                    continue
                # A single /check-style decision too, through the service the policies app uses.
                ledger_append(
                    organisation=org,
                    events=[
                        LedgerEvent(
                            trace_id=uuid.UUID(traces[0]["trace_id"]),
                            kind="decision",
                            agent=None,
                            tool="x.y",
                            server={"decision": "allow"},
                        )
                    ],
                )
                with lock:
                    sent.extend(t["trace_id"] for t in traces)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append((index, repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    expected = 8 * batches * (per_thread + 1)
    entries = LedgerEntry.objects.filter(organisation=org)
    assert entries.count() == expected
    assert set(
        map(str, entries.filter(kind="completion").values_list("trace_id", flat=True))
    ) == set(sent)
    assert sorted(entries.values_list("seq", flat=True)) == list(range(1, expected + 1))
    result = ledger_verify(organisation=org)
    assert result.ok and result.entries == expected
