"""A reviewer whom no agent names yet, in Debian's chromium against the real ASGI app: session
24's walk found the queue saying "Nothing is waiting for you", a wait for requests that could
never reach them. It now says why and who can change it; once an owner names them on an
agent, that agent's requests appear, with no reload."""

from __future__ import annotations

import pytest

from tests.approvals.helpers import grant, pause
from tests.browser import chromium, console_sign_in, db, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_of_no_agent_is_told_why_the_queue_is_empty(
    org, agent, reviewer, other_org, asgi_server
):
    db(pause, org, agent)  # waiting, but for an agent the reviewer is not named on
    with chromium() as browser:
        page = open_page(browser, width=390, height=844)
        console_sign_in(page, asgi_server.url, reviewer.username)
        empty = page.locator("#approval-list .empty").inner_text()
        assert "not a reviewer of any agent of Acme yet" in empty
        assert "Reviewers" in empty and "owner or admin" in empty
        assert "Globex" not in page.content()

        db(grant, agent, reviewer)  # an owner names them on the agent
        page.locator("#approval-list .card").wait_for()  # the next refresh brings it
        assert page.locator("#approval-list .empty").count() == 0
