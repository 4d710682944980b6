"""Reminders 7 days and 1 day before the due date and on the overdue day, each exactly once."""

import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from governance import services as gov
from governance.middleware import SESSION_KEY
from governance.roles import Role
from privacy import services as privacy
from privacy.models import Reminder
from privacy.reminders import reminders_send
from privacy.schedules import ensure_schedules
from privacy.tasks import send_reminders
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dsr(org, owner, admin_user):
    return gov.data_subject_request_create(
        organisation=org, kind="access", actor=owner, subject="ann@x.com", handled_by=admin_user
    )


def test_each_reminder_goes_out_exactly_once(dsr, admin_user):
    due = dsr.due_at
    assert reminders_send(now=due - timedelta(days=10)) == 0
    assert reminders_send(now=due - timedelta(days=7)) == 1
    assert reminders_send(now=due - timedelta(days=6)) == 0  # the 7-day one was sent
    assert reminders_send(now=due - timedelta(hours=23)) == 1
    assert reminders_send(now=due - timedelta(hours=2)) == 0
    assert reminders_send(now=due + timedelta(minutes=5)) == 1
    assert reminders_send(now=due + timedelta(days=3)) == 0
    assert [m.to for m in mail.outbox] == [[admin_user.email]] * 3
    subjects = [m.subject for m in mail.outbox]
    assert "due in 7 days" in subjects[0] and "due tomorrow" in subjects[1]
    assert "OVERDUE" in subjects[2] and dsr.reference in subjects[2]
    assert f"/privacy/requests/{dsr.pk}/" in mail.outbox[0].body


def test_an_extension_brings_new_reminders_and_closed_requests_get_none(dsr, owner):
    reminders_send(now=dsr.due_at - timedelta(days=1))
    extended = privacy.dsr_extend(request=dsr, actor=owner, reason="Complex")
    assert reminders_send(now=extended.due_at - timedelta(days=7)) == 1
    privacy.dsr_reject(request=extended, actor=owner, reason="Withdrawn by the subject")
    assert reminders_send(now=extended.due_at + timedelta(days=1)) == 0
    assert Reminder.objects.count() == 2


def test_without_a_handler_owners_and_admins_are_told(org, owner, admin_user):
    request = gov.data_subject_request_create(
        organisation=org,
        kind="erasure",
        actor=None,
        subject="ann@x.com",
        received_at=timezone.now() - timedelta(days=40),
    )
    assert request.handled_by is None
    assert send_reminders() == 1  # the task the schedule runs
    assert sorted(mail.outbox[0].to) == sorted([owner.email, admin_user.email])


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_reminder(org, owner):
    request = gov.data_subject_request_create(
        organisation=org,
        kind="erasure",
        actor=owner,
        subject="ann@x.com",
        received_at=timezone.now() - timedelta(days=40),
    )
    results = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            results.append(reminders_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1]
    assert Reminder.objects.filter(request=request).count() == 1
    assert len(mail.outbox) == 1


def test_schedules_exist_once():
    from django_q.models import Schedule

    assert ensure_schedules() == 0  # created by the migrations
    names = set(Schedule.objects.values_list("name", flat=True))
    assert {
        "privacy: deadline reminders",
        "privacy: delete expired bundles",
        "privacy: index ledger identifiers",
    } <= names


def test_the_reminder_links_the_request_on_the_public_address(settings, dsr):
    settings.EXECLAVE_PUBLIC_URL = "https://console.example.org/execlave/"
    reminders_send(now=dsr.due_at - timedelta(days=7))
    [message] = mail.outbox
    assert f"Open it: https://console.example.org/execlave/privacy/requests/{dsr.pk}/\n" in (
        message.body
    )
    assert not any(mark in message.body for mark in ("`", "*", "<", "|")), message.body  # plain


def test_the_link_opened_in_another_organisation_offers_to_switch(
    client, dsr, org, other_org, admin_user, outsider, reviewer
):
    MembershipFactory(user=admin_user, organisation=other_org, role=Role.OWNER)
    reminders_send(now=dsr.due_at - timedelta(days=7))
    link = re.search(r"Open it: https?://[^/]+(\S+)", mail.outbox[0].body).group(1)
    client.force_login(admin_user)
    session = client.session
    session[SESSION_KEY] = other_org.pk
    session.save()
    page = client.get(link)
    assert page.status_code == 404
    assert "is in <strong>Acme</strong>" in page.content.decode()
    assert dsr.reference not in page.content.decode()
    client.post("/organisation/switch/", {"organisation": str(org.pk), "next": link})
    page = client.get(link)
    assert page.status_code == 200 and dsr.reference in page.content.decode()

    for user in (outsider, reviewer):  # another organisation's owner; a member who may not read it
        client.force_login(user)
        page = client.get(link)
        assert page.status_code == 404 and "Switch to" not in page.content.decode()
