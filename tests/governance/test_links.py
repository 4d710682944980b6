"""Links that leave the console (e-mails, webhooks) are absolute, on EXECLAVE_PUBLIC_URL: one
``governance.links.public_url`` makes them for invitations, DSR reminders and approvals."""

from __future__ import annotations

import re

import pytest

from governance import services
from governance.links import public_url
from governance.roles import Role


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("http://127.0.0.1:8000", "/approvals/", "http://127.0.0.1:8000/approvals/"),
        ("https://execlave.example.org/", "/approvals/", "https://execlave.example.org/approvals/"),
        ("https://example.org/execlave", "/", "https://example.org/execlave/"),
        ("https://example.org/execlave/", "/admin/?q=1", "https://example.org/execlave/admin/?q=1"),
        ("https://example.org", "privacy/requests/3/", "https://example.org/privacy/requests/3/"),
    ],
)
def test_public_url_joins_the_base_and_the_path_with_one_slash(settings, base, path, expected):
    settings.EXECLAVE_PUBLIC_URL = base
    assert public_url(path) == expected


def test_invitations_link_on_the_public_address(
    settings, org, owner, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EXECLAVE_PUBLIC_URL = "https://console.example.org/execlave/"
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_invite(
            organisation=org, email="newbie@acme.test", role=Role.REVIEWER, actor=owner
        )
        services.membership_invite(
            organisation=org, email=outsider.email, role=Role.REVIEWER, actor=owner
        )
    new, known = [m.body for m in mailoutbox]
    assert re.search(r"https://console\.example\.org/execlave/accounts/reset/\S+/\S+/", new)
    assert "Log in at https://console.example.org/execlave/\n" in known
    for body in (new, known):  # plain text: no Slack markup
        assert not re.search(r"`|\*\w|<[^>]*\|", body), body
