"""Decisions, races, N approvers, expiry and escalation, through the services and the real DB."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from approvals import tasks
from approvals.models import Approval, ApprovalDecision, ApprovalStatus
from approvals.schedules import SCHEDULES, ensure_schedules
from approvals.services import ApprovalAlreadyFinal, approval_decide, approval_escalate
from governance.models import AuditLog
from governance.roles import Role
from policies.models import Policy
from tests.approvals.helpers import grant, pause
from tests.factories import MembershipFactory, UserFactory
from traces.selectors import trace_events

FINAL_ACTIONS = ["approval.approved", "approval.denied", "approval.expired", "approval.cancelled"]


def approval_entries(org, approval):
    return [
        e
        for e in trace_events(organisation=org, trace_id=approval.trace_id)
        if e.kind == "approval"
    ]


def final_audits(approval):
    return AuditLog.objects.filter(object_id=str(approval.pk), action__in=FINAL_ACTIONS)


def extra_admin(org, name):
    user = UserFactory(username=f"{name}@acme.test")
    MembershipFactory(user=user, organisation=org, role=Role.ADMIN)
    return user


def run_together(*functions):
    """Start the functions at the same instant in threads; return their results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def runner(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_denial_requires_a_comment(org, agent, owner):
    approval = pause(org, agent)
    with pytest.raises(ValidationError) as info:
        approval_decide(approval=approval, actor=owner, verdict="deny", comment="")
    assert "comment" in info.value.message_dict
    approval = approval_decide(
        approval=approval, actor=owner, verdict="deny", comment="Wrong customer"
    )
    assert approval.status == ApprovalStatus.DENIED
    assert approval.decided_by_label == owner.email
    [entry] = approval_entries(org, approval)
    assert entry.server_data["status"] == "denied"
    assert entry.server_data["comment"] == "Wrong customer"


def test_approval_without_comment_is_fine(org, agent, owner):
    approval = approval_decide(approval=pause(org, agent), actor=owner, verdict="approve")
    assert approval.status == ApprovalStatus.APPROVED and approval.comment == ""


def test_decision_rights(org, agent, reviewer, developer, outsider):
    approval = pause(org, agent)
    for user in (reviewer, developer, outsider):
        with pytest.raises(PermissionDenied):
            approval_decide(approval=approval, actor=user, verdict="approve")
    grant(agent, reviewer)
    assert (
        approval_decide(approval=approval, actor=reviewer, verdict="approve").status == "approved"
    )


def test_n_distinct_approvers(org, agent, owner, admin_user, reviewer):
    grant(agent, reviewer)
    approval = pause(org, agent, approvers_required=3)
    approval = approval_decide(approval=approval, actor=owner, verdict="approve", comment="ok")
    assert approval.status == ApprovalStatus.PENDING and approval.approvals_count == 1
    with pytest.raises(ValidationError) as info:
        approval_decide(approval=approval, actor=owner, verdict="approve")
    assert "verdict" in info.value.message_dict
    approval.refresh_from_db()
    assert approval.approvals_count == 1  # the refused second approval left no trace
    assert (
        AuditLog.objects.filter(
            action="approval.approved_partially", object_id=str(approval.pk)
        ).count()
        == 1
    )
    approval = approval_decide(approval=approval, actor=admin_user, verdict="approve")
    assert approval.status == ApprovalStatus.PENDING and approval.approvals_count == 2
    assert approval_entries(org, approval) == []  # nothing final yet
    approval = approval_decide(
        approval=approval, actor=reviewer, verdict="approve", comment="third"
    )
    assert approval.status == ApprovalStatus.APPROVED
    assert approval.decided_by == reviewer
    [entry] = approval_entries(org, approval)
    assert [a["by"] for a in entry.server_data["approvers"]] == [
        owner.email,
        admin_user.email,
        reviewer.email,
    ]


def test_a_denial_among_n_approvers_is_final(org, agent, owner, admin_user):
    approval = pause(org, agent, approvers_required=2)
    approval_decide(approval=approval, actor=owner, verdict="approve")
    approval = approval_decide(approval=approval, actor=admin_user, verdict="deny", comment="No")
    assert approval.status == ApprovalStatus.DENIED


def test_expired_request_cannot_be_decided(org, agent, owner):
    approval = pause(org, agent)
    Approval.objects.filter(pk=approval.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ApprovalAlreadyFinal) as info:
        approval_decide(approval=approval, actor=owner, verdict="approve")
    assert info.value.approval.status == ApprovalStatus.EXPIRED
    assert Approval.objects.get(pk=approval.pk).status == ApprovalStatus.EXPIRED  # the expiry stuck
    assert final_audits(approval).count() == 1
    assert len(approval_entries(org, approval)) == 1


@pytest.mark.django_db(transaction=True)
def test_double_decision_race_has_one_winner(org, agent, owner, admin_user):
    for _ in range(5):
        approval = pause(org, agent)
        results = run_together(
            lambda a=approval: approval_decide(
                approval=a, actor=owner, verdict="approve", comment="yes"
            ),
            lambda a=approval: approval_decide(
                approval=a, actor=admin_user, verdict="deny", comment="no"
            ),
        )
        winners = [r for r in results if isinstance(r, Approval)]
        losers = [r for r in results if isinstance(r, ApprovalAlreadyFinal)]
        assert len(winners) == 1 and len(losers) == 1, results
        final = Approval.objects.get(pk=approval.pk)
        assert final.status == winners[0].status
        assert str(losers[0]).startswith(f"Already {final.status} by {final.decided_by_label}")
        assert ApprovalDecision.objects.filter(approval=approval).count() == 1
        assert final_audits(approval).count() == 1
        assert len(approval_entries(org, approval)) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvers_both_count(org, agent, owner, admin_user):
    for _ in range(3):
        approval = pause(org, agent, approvers_required=2)
        results = run_together(
            lambda a=approval: approval_decide(approval=a, actor=owner, verdict="approve"),
            lambda a=approval: approval_decide(approval=a, actor=admin_user, verdict="approve"),
        )
        assert all(isinstance(r, Approval) for r in results), results
        final = Approval.objects.get(pk=approval.pk)
        assert final.status == ApprovalStatus.APPROVED and final.approvals_count == 2
        assert len(approval_entries(org, approval)) == 1


@pytest.mark.django_db(transaction=True)
def test_expiry_racing_a_decision_ends_in_one_final_state(org, agent, owner):
    outcomes = set()
    for offset in (-0.3, -0.02, 0.0, 0.01, 0.03, 0.2):
        approval = pause(org, agent)
        expires = timezone.now() + timedelta(seconds=0.8)
        Approval.objects.filter(pk=approval.pk).update(expires_at=expires)

        def expire_loop(expires=expires):
            while timezone.now() < expires + timedelta(seconds=0.3):
                tasks.expire_overdue()
            return "done"

        def decide_at(o=offset, a=approval, expires=expires):
            delay = (expires - timezone.now()).total_seconds() + o
            if delay > 0:
                threading.Event().wait(delay)
            return approval_decide(approval=a, actor=owner, verdict="approve")

        results = run_together(expire_loop, decide_at)
        final = Approval.objects.get(pk=approval.pk)
        assert final.status in (ApprovalStatus.APPROVED, ApprovalStatus.EXPIRED)
        outcomes.add(final.status)
        decision = results[1]
        if final.status == ApprovalStatus.APPROVED:
            assert isinstance(decision, Approval)
        else:
            assert isinstance(decision, ApprovalAlreadyFinal), decision
            assert decision.approval.status == ApprovalStatus.EXPIRED
            assert not ApprovalDecision.objects.filter(approval=approval).exists()
        assert final_audits(approval).count() == 1
        [entry] = approval_entries(org, approval)
        assert entry.server_data["status"] == final.status
    # Which side wins each round depends on scheduling; every round must end in one state.
    assert outcomes <= {ApprovalStatus.APPROVED, ApprovalStatus.EXPIRED}


def test_expiry_schedule_task(org, agent):
    overdue, fresh = pause(org, agent, on_timeout="allow"), pause(org, agent)
    Approval.objects.filter(pk=overdue.pk).update(expires_at=timezone.now() - timedelta(seconds=5))
    assert tasks.expire_overdue() == 1
    assert tasks.expire_overdue() == 0
    overdue.refresh_from_db()
    fresh.refresh_from_db()
    assert overdue.status == ApprovalStatus.EXPIRED and fresh.status == ApprovalStatus.PENDING
    [entry] = approval_entries(org, overdue)
    assert entry.server_data["on_timeout"] == "allow"


def test_escalation_emails_the_contacts_once(
    org, agent, owner, admin_user, django_capture_on_commit_callbacks
):
    policy = Policy.objects.create(
        organisation=org,
        name="Big refunds",
        type="action_approval",
        mode="require_approval",
        threshold={"escalation_contacts": ["cfo@acme.test", "admin"]},
    )
    approval = pause(org, agent, policy=policy, escalate_after=60)
    assert tasks.escalate_due() == 0  # not yet
    Approval.objects.filter(pk=approval.pk).update(
        escalate_at=timezone.now() - timedelta(seconds=1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_due() == 1
    assert approval_escalate(approval_id=approval.pk) is False
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(["cfo@acme.test", admin_user.email])
    assert "Escalated" in mail.outbox[0].body
    assert (
        AuditLog.objects.filter(action="approval.escalated", object_id=str(approval.pk)).count()
        == 1
    )


def test_new_request_emails_those_who_can_decide(
    org, agent, owner, reviewer, developer, django_capture_on_commit_callbacks
):
    other_reviewer = UserFactory(username="rob@acme.test")
    MembershipFactory(user=other_reviewer, organisation=org, role=Role.REVIEWER)
    grant(agent, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        pause(org, agent)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, reviewer.email])
    assert all("database.delete" in m.subject for m in mail.outbox)
    assert "jane.doe@example.com" not in mail.outbox[0].body  # the input stays in the queue


def test_decision_emails_the_agent_owner(
    client, org, agent, owner, developer, django_capture_on_commit_callbacks
):
    agent.owner = developer
    agent.save()
    approval = pause(org, agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(approval=approval, actor=owner, verdict="deny", comment="Not today")
    [message] = mail.outbox
    assert message.to == [developer.email]
    assert "Not today" in message.body
    # Its link opens the call's trace for the owner (it pointed at the queue, which lists pending
    # requests only and holds nothing for a developer).
    link = re.search(r"The call in the ledger: https?://[^/]+(\S+)", message.body).group(1)
    client.force_login(developer)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert f"Trace {approval.trace_id}" in page.content.decode()


def test_schedules_are_created_idempotently(db):
    from django_q.models import Schedule

    names = [s["name"] for s in SCHEDULES]
    assert Schedule.objects.filter(name__in=names).count() == len(SCHEDULES)  # by the migration
    assert ensure_schedules() == 0
    Schedule.objects.filter(name=names[0]).delete()
    assert ensure_schedules() == 1
    assert Schedule.objects.filter(name__in=names).count() == len(SCHEDULES)
    assert set(Schedule.objects.filter(name__in=names).values_list("func", flat=True)) == {
        "approvals.tasks.expire_overdue",
        "approvals.tasks.escalate_due",
    }


def test_history_survives_the_policy_deletion(org, agent, owner):
    policy = Policy.objects.create(
        organisation=org, name="Destructive SQL", type="action_approval", mode="require_approval"
    )
    approval = pause(org, agent, policy=policy)
    assert approval.policy == policy
    policy.delete()
    approval.refresh_from_db()
    assert approval.policy is None
    assert approval.policy_name == "Destructive SQL" and approval.policy_type == "action_approval"
    approval = approval_decide(approval=approval, actor=owner, verdict="approve")
    [entry] = approval_entries(org, approval)
    assert entry.server_data["policy"] == "Destructive SQL"
