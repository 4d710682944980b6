"""Group commit (traces.group_commit): threads appending to one organisation while
``LEDGER_APPENDS_IN_FLIGHT`` other threads' appends are in flight are written together in one
statement, each gets its own result, and the chain stays whole; fewer in flight, an append goes
at once. The in-flight statements are held on the chain-head row lock by another connection, so
the groups form every time. Every test runs with two in flight (the default) and with one."""

import threading
import time
import uuid

import psycopg
import pytest
from django.db import DataError, connection

from traces import group_commit
from traces.models import LedgerEntry
from traces.services import LedgerEvent, ledger_append
from traces.verification import ledger_verify

pytestmark = pytest.mark.django_db(transaction=True)


def event(trace_id=None, tool="crm.lookup"):
    return LedgerEvent(
        trace_id=trace_id or uuid.uuid4(),
        kind="decision",
        agent=None,
        tool=tool,
        input={"q": "hello"},
        server={"decision": "allow"},
    )


class Appender(threading.Thread):
    """Appends ``events`` on its own connection (as a gunicorn thread does); keeps the result
    or the error."""

    def __init__(self, org, events):
        super().__init__()
        self.org, self.events = org, events
        self.result = self.error = None

    def run(self):
        try:
            self.result = ledger_append(organisation=self.org, events=self.events)
        except Exception as exc:  # noqa: BLE001 - asserted by the test
            self.error = exc
        finally:
            connection.close()


def wait_until(condition, what):
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("group commit is PostgreSQL's autocommit path")


@pytest.fixture(autouse=True, params=[2, 1], ids=["two-in-flight", "one-in-flight"])
def in_flight(request, settings):
    """Every test with two appends in flight before the next ones queue (the default), and with
    one (session 12's group commit, ``LEDGER_APPENDS_IN_FLIGHT=1``)."""
    settings.LEDGER_APPENDS_IN_FLIGHT = request.param
    return request.param


def others_count():
    """Appends in flight ahead of the groups besides the test's leader (one event each)."""
    from django.conf import settings

    return settings.LEDGER_APPENDS_IN_FLIGHT - 1


def grouped(org, leader_events, groups_events):
    """Hold ``LEDGER_APPENDS_IN_FLIGHT`` appends in flight on the chain lock (the leader's
    first, then ``others_count()`` of one event each), queue one thread per entry of
    ``groups_events`` behind them, then release: returns (leader, waiters) once all are done;
    ``leader.others`` are the other appends that were in flight."""
    ledger_append(organisation=org, events=[event()])  # the chain exists, this process knows
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params) as holder:  # a transaction holding the chain-head lock
        holder.execute(
            "SELECT 1 FROM traces_ledgerchain WHERE organisation_id = %s FOR UPDATE", [org.pk]
        )
        leader = Appender(org, leader_events)
        leader.start()
        wait_until(lambda: group_commit._queues[org.pk].in_flight == 1, "the leader's statement")
        others = [Appender(org, [event()]) for _ in range(others_count())]
        for other in others:
            other.start()
        wait_until(
            lambda: group_commit._queues[org.pk].in_flight == others_count() + 1,
            "the statements in flight",
        )
        assert not group_commit._queues[org.pk].waiting  # sent at once, not queued
        waiters = []
        for events in groups_events:
            waiters.append(Appender(org, events))
            waiters[-1].start()
            queued = len(waiters)
            wait_until(
                lambda: len(group_commit._queues[org.pk].waiting) == queued,  # noqa: B023
                "the waiter to queue",
            )
        holder.rollback()
    for thread in [leader, *others, *waiters]:
        thread.join(timeout=60)
        assert not thread.is_alive()
    assert all(o.error is None and o.result.accepted == 1 for o in others)
    assert group_commit._queues[org.pk].in_flight == 0
    leader.others = others
    return leader, waiters


def transactions(org):
    """trace id -> the id of the transaction that wrote its entry."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT trace_id, xmin::text FROM traces_ledgerentry WHERE organisation_id = %s",
            [org.pk],
        )
        return dict(cursor.fetchall())


def test_waiters_are_written_in_one_statement(org, postgres):
    leader, waiters = grouped(org, [event()], [[event()], [event(), event()], [event()]])
    assert leader.error is None and leader.result.accepted == 1
    assert [(w.error, w.result.accepted) for w in waiters] == [(None, 1), (None, 2), (None, 1)]
    written = transactions(org)
    waiting_ids = {e.trace_id for w in waiters for e in w.events}
    assert len({written[t] for t in waiting_ids}) == 1  # one statement, one commit
    assert written[leader.events[0].trace_id] not in {written[t] for t in waiting_ids}
    # the statements sent at once (not queued) committed on their own; the group goes out only
    # when one of them has returned: with one in flight after it, with two after the first,
    # racing the second for the row lock (PostgreSQL may grant it to either: seen once)
    sent = [leader.events[0].trace_id, *(o.events[0].trace_id for o in leader.others)]
    assert len({written[t] for t in sent} | {written[t] for t in waiting_ids}) == 1 + len(sent)
    seqs = dict(LedgerEntry.objects.filter(organisation=org).values_list("trace_id", "seq"))
    assert min(seqs[t] for t in sent) < min(seqs[t] for t in waiting_ids)
    if not others_count():
        assert max(seqs[t] for t in sent) < min(seqs[t] for t in waiting_ids)
    assert sorted(LedgerEntry.objects.filter(organisation=org).values_list("seq", flat=True)) == [
        *range(1, 7 + others_count())
    ]
    result = ledger_verify(organisation=org)
    assert result.ok and result.entries == 6 + others_count()


def test_a_duplicate_inside_a_group_is_counted_once(org, postgres):
    same = uuid.uuid4()
    leader, waiters = grouped(org, [event()], [[event(same)], [event()], [event(same)]])
    results = [(w.error, w.result.accepted, w.result.duplicates) for w in waiters]
    # the first of the two is stored; the later one, from another thread, is its duplicate
    assert results == [(None, 1, 0), (None, 1, 0), (None, 0, 1)]
    assert LedgerEntry.objects.filter(organisation=org, trace_id=same).count() == 1
    # also a duplicate of the entry the leader was writing while the group queued
    leader, waiters = grouped(org, [event(same := uuid.uuid4())], [[event(same)], [event()]])
    assert leader.result.accepted == 1
    assert [(w.result.accepted, w.result.duplicates) for w in waiters] == [(0, 1), (1, 0)]
    assert ledger_verify(organisation=org).ok


def test_an_event_the_database_refuses_fails_only_its_own_caller(org, postgres):
    # PostgreSQL cannot hold U+0000 (the API refuses it before the ledger: governance.text)
    leader, waiters = grouped(org, [event()], [[event()], [event(tool="crm.\x00")], [event()]])
    assert leader.error is None
    assert waiters[0].error is None and waiters[0].result.accepted == 1
    assert isinstance(waiters[1].error, DataError)
    assert waiters[2].error is None and waiters[2].result.accepted == 1
    assert LedgerEntry.objects.filter(organisation=org).count() == 4 + others_count()
    assert ledger_verify(organisation=org).ok


def test_an_error_reaches_every_waiter_and_nothing_is_half_written(org, postgres):
    bad = [[event(tool="crm.\x00")], [event(), event(tool="x\x00")], [event(tool="\x00")]]
    leader, waiters = grouped(org, [event()], bad)
    assert leader.error is None
    assert all(isinstance(w.error, DataError) for w in waiters)
    # the first, the leader and the others in flight
    assert LedgerEntry.objects.filter(organisation=org).count() == 2 + others_count()
    assert ledger_verify(organisation=org).ok


def test_many_threads_one_unbroken_chain(org):
    # six threads (the pool lends eight connections), each appending one to three events at a
    # time, eight times
    calls = [[event() for _ in range(1 + i % 3)] for i in range(48)]
    errors, accepted = [], []

    def work(mine):
        try:
            # A gunicorn thread holds its connection before it appends (its API key was looked
            # up). A thread taking its first one inside ledger_append could lead a group and
            # wait for the pool while the waiters it writes for hold the rest: none is returned
            # until the pool gives up (session 16: with two connections leaked by another test,
            # 30 s, then "couldn't get a connection", once in 20 runs under load).
            connection.ensure_connection()
            for events in mine:
                accepted.append(ledger_append(organisation=org, events=events).accepted)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(calls[i::6],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    expected = sum(map(len, calls))
    assert sum(accepted) == expected
    entries = LedgerEntry.objects.filter(organisation=org)
    assert sorted(entries.values_list("seq", flat=True)) == list(range(1, expected + 1))
    result = ledger_verify(organisation=org)
    assert result.ok and result.entries == expected
