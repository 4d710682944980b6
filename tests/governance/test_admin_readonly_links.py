"""A read-only related object on an admin page is a link only when the viewer may open it
(session 16's browser walk-through: an approval's or an agent's user linked to
/admin/auth/user/<id>/change/, a bare 403 for every member)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import Approval, ApprovalStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(org, agent, owner):
    now = timezone.now()
    return Approval.objects.create(
        organisation=org,
        trace_id=uuid.uuid4(),
        agent=agent,
        tool="refund",
        status=ApprovalStatus.APPROVED,
        requested_at=now - timedelta(minutes=5),
        expires_at=now + timedelta(hours=1),
        decided_at=now,
        decided_by=owner,
        decided_by_label=owner.username,
    )


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["owner", "compliance_officer"])
def test_a_member_sees_a_user_as_text_and_an_agent_they_may_open_as_a_link(
    client, request, who, decided, agent
):
    user = request.getfixturevalue(who)
    page = _page(client, user, f"/admin/approvals/approval/{decided.pk}/change/")
    assert "/admin/auth/user/" not in page
    assert decided.decided_by.username in page  # still named, as text
    assert f'href="/admin/governance/agent/{agent.pk}/change/"' in page  # members open agents


def test_a_developer_sees_the_owner_of_an_agent_as_text(client, developer, agent, owner):
    agent.owner = owner
    agent.save()
    page = _page(client, developer, f"/admin/governance/agent/{agent.pk}/change/")
    assert "/admin/auth/user/" not in page
    assert owner.username in page


def test_a_superuser_keeps_the_links(client, decided, agent, owner):
    root = UserFactory(username="root@example.test", is_superuser=True, is_staff=True)
    page = _page(client, root, f"/admin/approvals/approval/{decided.pk}/change/")
    assert f'href="/admin/auth/user/{owner.pk}/change/"' in page
    assert f'href="/admin/governance/agent/{agent.pk}/change/"' in page
