"""`manage.py invite_owner` says whether the invitation e-mail went out. With a wrong SMTP setting
(docs/operations.md's first deploy) it used to print "they receive a link" while nothing was
sent; now it fails naming the reason and hands the operator the link instead."""

from __future__ import annotations

import logging
import re
import socket
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from governance.models import Membership
from governance.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_down(settings):
    """The SMTP backend pointed at a loopback port nothing listens on: a real refused connection."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EXECLAVE_PUBLIC_URL = "https://execlave.example.com"
    return port


def test_an_invitation_that_cannot_be_sent_says_so_and_gives_the_link(smtp_down, client, caplog):
    with caplog.at_level(logging.WARNING), pytest.raises(CommandError) as failed:
        call_command("invite_owner", organisation="Umbrella", email="Alice@umbrella.example")
    message = str(failed.value)
    assert message.startswith(
        "Created organisation Umbrella (slug umbrella); invited alice@umbrella.example as its "
        "owner, but the invitation e-mail could not be sent ("
    ), message
    assert "refused" in message.lower() and "EMAIL_HOST" in message
    assert "valid for 3 days" in message
    # The membership stands, and the link handed over is the one the e-mail would have carried.
    membership = Membership.objects.get(user__username="alice@umbrella.example")
    assert membership.role == Role.OWNER and membership.organisation.slug == "umbrella"
    link = re.search(r"https://execlave\.example\.com(/accounts/reset/\S+/)$", message)
    assert link, message
    response = client.get(link.group(1))
    assert response.status_code == 302 and response["Location"].endswith("/set-password/")
    # The service logs the reason: the console's and the admin's invitations reach the log too.
    assert any("could not be sent" in r.getMessage() for r in caplog.records), caplog.text


def test_an_existing_user_is_told_of_the_role_not_sent_a_password_link(owner):
    assert owner.has_usable_password()
    out = StringIO()
    call_command("invite_owner", organisation="Second Org", email=owner.username, stdout=out)
    said = out.getvalue().strip()
    assert said.endswith("they have a password already and receive a note of the role."), said
    assert len(mail.outbox) == 1 and "/accounts/reset/" not in mail.outbox[0].body
