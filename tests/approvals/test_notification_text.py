"""E-mails are plain text; Slack's markup (`code`, *bold*, <url|label>) is for the webhook only,
where every value is escaped so that what people typed shows as typed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from approvals import notifications, tasks
from approvals.models import Approval
from approvals.services import approval_decide
from tests.approvals.helpers import pause

pytestmark = pytest.mark.django_db

SLACK_MARKUP = re.compile(r"`|\*[^*\s][^*]*\*|<[^>\s]*\|[^>]*>|&(?:amp|lt|gt);")


def test_approval_emails_read_as_plain_text(
    org, agent, owner, admin_user, django_capture_on_commit_callbacks
):
    agent.name = "R&D <bot>"
    agent.owner = owner
    agent.save()
    with django_capture_on_commit_callbacks(execute=True):
        approval = pause(org, agent, escalate_after=60)
    Approval.objects.filter(pk=approval.pk).update(
        escalate_at=timezone.now() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        tasks.escalate_due()
    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(approval=approval, actor=owner, verdict="deny", comment="Use *staging*")
    bodies = {m.subject.split(":")[0]: m.body for m in mail.outbox}
    assert set(bodies) == {"[Execlave] requested", "[Execlave] escalated", "[Execlave] denied"}
    for body in bodies.values():
        assert "database.delete by agent R&D <bot>" in body
        assert not SLACK_MARKUP.search(body.replace("*staging*", "")), body
    assert bodies["[Execlave] requested"].startswith(
        "Approval needed: database.delete by agent R&D <bot>. Deleting customer rows needs a human."
    )
    denied = 'Denied by alice@acme.test: database.delete by agent R&D <bot> — "Use *staging*"'
    assert denied in bodies["[Execlave] denied"]


def test_the_webhook_keeps_slack_markup_and_escapes_what_people_typed(org, agent, owner):
    agent.name = "<!channel> bot"
    agent.save()
    approval = pause(org, agent, reason="Needs a human & <https://evil.example|a look>")
    approval = approval_decide(approval=approval, actor=owner, verdict="deny", comment="a > b")
    payload = notifications.webhook_payload(approval, "denied")
    assert payload["text"].startswith(
        "Denied by alice@acme.test: `database.delete` by agent *&lt;!channel&gt; bot* — "
        '"a &gt; b" <http'
    )
    requested = notifications.webhook_payload(approval, "requested")["text"]
    assert "Needs a human &amp; &lt;https://evil.example|a look&gt;" in requested
    assert "<!channel>" not in requested and "<https://evil" not in requested
    # Programs read the values as they are.
    assert payload["approval"]["agent"] == "<!channel> bot"
    assert payload["approval"]["comment"] == "a > b"
