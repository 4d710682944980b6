"""Webhook notifications against a real HTTP receiver on 127.0.0.1: signature, retries with
backoff through django-q2 schedules, and never blocking the request that paused the call."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule
from django_q.scheduler import scheduler

from approvals import notifications
from approvals.models import WebhookDelivery
from approvals.services import approval_decide
from tests.approvals.helpers import pause
from tests.docs.markdown import ROOT, blocks

SECRET = "whsec-test-1234"


class Receiver:
    """Answers each POST with the next status code of ``codes`` (the last one repeats)."""

    def __init__(self, codes, delay=0.0):
        self.codes = list(codes)
        self.delay = delay
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                time.sleep(receiver.delay)
                code = receiver.codes.pop(0) if len(receiver.codes) > 1 else receiver.codes[0]
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/execlave"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made = []

    def make(codes, delay=0.0):
        receiver = Receiver(codes, delay)
        made.append(receiver)
        return receiver

    yield make
    for r in made:
        r.close()


def configure(org, url):
    org.webhook_url = url
    org.webhook_secret = SECRET
    org.save()


def run_due_retries():
    """Make the pending retry schedules due and let django-q2's scheduler run them."""
    Schedule.objects.filter(func="approvals.tasks.webhook_deliver").update(
        next_run=timezone.now() - timedelta(seconds=1)
    )
    scheduler()


def test_signed_and_retried_with_backoff(
    org, agent, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory([500, 503, 200])
    configure(org, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        approval = pause(org, agent)

    delivery = WebhookDelivery.objects.get(approval=approval, event="requested")
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 1
    assert delivery.last_status_code == 500
    first_wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 10 < first_wait <= 15
    [retry] = Schedule.objects.filter(func="approvals.tasks.webhook_deliver")
    assert (
        retry.schedule_type == Schedule.ONCE
        and abs((retry.next_run - delivery.next_attempt_at).total_seconds()) < 1
    )

    run_due_retries()
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_status_code == 503
    second_wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 25 < second_wait <= 30  # doubled

    run_due_retries()
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 3
    assert not Schedule.objects.filter(func="approvals.tasks.webhook_deliver").exists()

    assert len(receiver.requests) == 3
    for headers, body in receiver.requests:
        assert headers["x-execlave-event"] == "requested"
        assert headers["x-execlave-delivery"] == str(delivery.pk)
        assert headers["content-type"] == "application/json"
        assert notifications.verify(
            SECRET, headers["x-execlave-timestamp"], body, headers["x-execlave-signature"]
        )
        assert not notifications.verify(
            "wrong", headers["x-execlave-timestamp"], body, headers["x-execlave-signature"]
        )
        payload = json.loads(body)
        assert "database.delete" in payload["text"]  # Slack shows `text`
        assert payload["approval"]["id"] == str(approval.pk)
        assert payload["approval"]["status"] == "pending"
        assert "jane.doe@example.com" not in body.decode()


def _docs_verification(secret: str, headers: dict, body: bytes) -> bool:
    """docs/approvals.md's verification block, run as a receiver would: ``request`` with
    case-insensitive headers (as every framework gives them) and the raw body."""
    (code,) = [
        b.code
        for b in blocks((ROOT / "docs" / "approvals.md").read_text())
        if b.language == "python"
    ]
    received = Message()
    for name, value in headers.items():
        received[name] = value
    scope = {"secret": secret, "request": SimpleNamespace(headers=received, body=body)}
    exec(code, scope)  # noqa: S102 - our own documentation's code
    return scope["ok"]


@pytest.fixture
def one_delivery(org, agent, receiver_factory, django_capture_on_commit_callbacks):
    """The headers and body of the one webhook a paused call sends to a receiver answering 200."""
    receiver = receiver_factory([200])
    configure(org, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        pause(org, agent)
    [(headers, body)] = receiver.requests
    return headers, body


def test_the_docs_verification_accepts_a_delivery_and_refuses_a_forgery(one_delivery):
    headers, body = one_delivery
    assert _docs_verification(SECRET, headers, body) is True
    assert _docs_verification("wrong", headers, body) is False
    assert _docs_verification(SECRET, headers, body.replace(b'"pending"', b'"approved"')) is False


def test_tampered_body_fails_verification(one_delivery):
    headers, body = one_delivery
    forged = body.replace(b'"pending"', b'"approved"')
    assert not notifications.verify(
        SECRET, headers["x-execlave-timestamp"], forged, headers["x-execlave-signature"]
    )


def test_decision_is_sent_too(
    org, agent, owner, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory([200])
    configure(org, receiver.url)
    approval = pause(org, agent)
    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(approval=approval, actor=owner, verdict="deny", comment="Never on prod")
    [(headers, body)] = receiver.requests
    payload = json.loads(body)
    assert headers["x-execlave-event"] == "denied"
    assert payload["approval"]["decided_by"] == owner.email
    assert payload["approval"]["comment"] == "Never on prod"


def test_gives_up_after_the_last_attempt(
    org, agent, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory([500])
    configure(org, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        approval = pause(org, agent)
    for _ in range(notifications.MAX_ATTEMPTS - 1):
        run_due_retries()
    delivery = WebhookDelivery.objects.get(approval=approval)
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == notifications.MAX_ATTEMPTS == len(receiver.requests)
    assert not Schedule.objects.filter(func="approvals.tasks.webhook_deliver").exists()


def test_unreachable_receiver_is_retried(org, agent, django_capture_on_commit_callbacks):
    configure(org, "http://127.0.0.1:9/nothing-listens-here")
    with django_capture_on_commit_callbacks(execute=True):
        approval = pause(org, agent)
    delivery = WebhookDelivery.objects.get(approval=approval)
    assert (
        delivery.attempts == 1
        and delivery.last_error
        and delivery.status == WebhookDelivery.Status.PENDING
    )


def test_pausing_a_call_never_waits_for_the_webhook(
    org, agent, receiver_factory, monkeypatch, django_capture_on_commit_callbacks
):
    """With a real queue (not the tests' inline mode) the request only enqueues the task."""
    receiver = receiver_factory([200], delay=3.0)
    configure(org, receiver.url)
    monkeypatch.setattr(Conf, "SYNC", False)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        pause(org, agent)
    assert time.monotonic() - started < 1.0
    assert receiver.requests == []
    assert OrmQ.objects.count() == 1


def test_each_payload_links_where_its_reader_acts(
    client,
    org,
    agent,
    owner,
    developer,
    receiver_factory,
    django_capture_on_commit_callbacks,
):
    """While a request waits, the queue where it is decided; once decided, the call's trace in
    the ledger, as the outcome e-mail links it (the queue lists pending requests only)."""
    agent.owner = developer
    agent.save()
    receiver = receiver_factory([200])
    configure(org, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        approval = pause(org, agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(approval=approval, actor=owner, verdict="deny", comment="Never on prod")
    requested, denied = (json.loads(body) for _, body in receiver.requests)

    assert requested["approval"]["url"].endswith(f"/approvals/?focus={approval.pk}")
    assert f"<{requested['approval']['url']}|Open the queue>" in requested["text"]

    url = denied["approval"]["url"]
    assert f"<{url}|Open the trace>" in denied["text"]
    assert f"<{url}|Open the trace>" in denied["blocks"][0]["text"]["text"]
    [message] = mail.outbox
    assert f"The call in the ledger: {url}\n" in message.body
    client.force_login(developer)
    page = client.get(url.removeprefix(settings.EXECLAVE_PUBLIC_URL), follow=True)
    assert page.status_code == 200 and f"Trace {approval.trace_id}" in page.content.decode()
