"""The admin's lists on a phone (390 px, Debian's chromium): one card per row, each value under
its column's name, nothing scrolling sideways (session 24's walk: the lists scrolled inside
their box, a key's status and a ledger entry's decision out of sight). Another organisation's
rows stay out of the cards as they stay out of the table."""

from __future__ import annotations

import pytest

from governance import services
from governance.roles import Role
from policies import services as policy_services
from policies.models import Policy
from tests.browser import admin_sign_in, chromium, db, open_page
from tests.factories import MembershipFactory, UserFactory, append_completion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (list, a column a user of it looks for, its name on the card)
LISTS = [
    ("/admin/traces/ledgerentry/", "td.field-decision_label", "DECISION"),
    ("/admin/governance/apikey/", "td.field-status", "STATUS"),
    ("/admin/governance/membership/", "td.field-role", "ROLE"),
    ("/admin/policies/policy/", "td.field-mode", "MODE"),
    ("/admin/governance/auditlog/", "td.field-what", "ACTION"),
]


def _card_facts(page, selector: str) -> dict:
    return page.evaluate(
        """(selector) => {
          const root = document.documentElement;
          const results = document.querySelector('#changelist .results');
          const cells = Array.from(document.querySelectorAll('#result_list tbody ' + selector));
          return {
            pageFits: root.scrollWidth <= root.clientWidth,
            boxFits: results.scrollWidth <= results.clientWidth,
            cells: cells.length,
            onScreen: cells.every((c) => { const r = c.getBoundingClientRect();
                                         return r.left >= 0 && r.right <= root.clientWidth; }),
            label: cells.length ? getComputedStyle(cells[0], '::before').content : '',
            text: cells.map((c) => c.textContent.trim()),
          };
        }""",
        selector,
    )


def test_lists_are_cards_on_a_phone(org, other_org, owner, agent, other_agent, asgi_server):
    services.api_key_create(organisation=org, name="billing", actor=owner, scopes=["check"])
    services.api_key_create(organisation=other_org, name="globex-key", actor=None, scopes=["check"])
    policy_services.policy_create(
        organisation=org,
        actor=owner,
        name="Refund ceiling",
        type="cost_limit",
        mode="warn",
        threshold={"max_cost_per_call": 5},
    )
    append_completion(org, agent, tool="billing.refund")
    append_completion(other_org, other_agent, tool="globex.secret")

    with chromium() as browser:
        page = open_page(browser, width=390, height=844)
        admin_sign_in(page, asgi_server.url, owner.username)
        for url, selector, label in LISTS:
            page.goto(f"{asgi_server.url}{url}")
            facts = _card_facts(page, selector)
            assert facts["cells"] >= 1, url
            assert facts["pageFits"] and facts["boxFits"], (url, facts)
            assert facts["onScreen"], (url, facts)
            assert label in facts["label"].upper(), (url, facts["label"])
        # Tenancy: the cards are the organisation's rows only.
        page.goto(f"{asgi_server.url}/admin/governance/apikey/")
        assert "globex-key" not in page.inner_text("#changelist")
        page.goto(f"{asgi_server.url}/admin/traces/ledgerentry/")
        assert "globex.secret" not in page.inner_text("#changelist")
        assert "billing.refund" in page.inner_text("#result_list")

        # An object's History reads on a phone too: one card per entry.
        policy = db(lambda: Policy.objects.get(organisation=org, name="Refund ceiling"))
        page.goto(f"{asgi_server.url}/admin/policies/policy/{policy.pk}/history/")
        assert "Policy created" in page.inner_text("#change-history")
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )

        # At 1280 px the list is the table it was, with its header.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"{asgi_server.url}/admin/governance/apikey/")
        assert page.locator("#result_list thead th.column-status").is_visible()
        assert (
            page.evaluate(
                "getComputedStyle(document.querySelector('#result_list tbody tr')).display"
            )
            == "table-row"
        )


def test_checkbox_choices_read_on_one_line(org, owner, agent, asgi_server):
    """An API key's scopes and an agent's reviewers: each choice on one line, an e-mail address
    never broken inside (they were squeezed into the 160 px of a field's name)."""
    reviewer = UserFactory(username="reviewer-of-refunds@acme-holdings.example")
    MembershipFactory(user=reviewer, organisation=org, role=Role.REVIEWER)
    services.agent_permission_grant(
        agent=agent, user=reviewer, permission="decide_approvals", actor=owner
    )
    heights = """(selector) => Array.from(document.querySelectorAll(selector),
        (label) => [label.textContent.trim(), label.getBoundingClientRect().height])"""
    with chromium() as browser:
        for width in (1280, 390):
            page = open_page(browser, width=width, height=844)
            admin_sign_in(page, asgi_server.url, owner.username)
            page.goto(f"{asgi_server.url}/admin/governance/apikey/add/")
            scopes = page.evaluate(heights, "#id_scopes label")
            assert len(scopes) == 5
            line = scopes[0][1]
            # privacy's long line may wrap on a phone; the others never do.
            assert all(h <= line * 1.2 for text, h in scopes if not text.startswith("privacy")), (
                scopes
            )
            page.goto(f"{asgi_server.url}/admin/governance/agent/{agent.pk}/change/")
            reviewers = page.evaluate(heights, "#id_reviewers label")
            assert reviewers == [[reviewer.username, reviewers[0][1]]]
            if width == 1280:  # a 41-character address is wider than a phone: it wraps there
                assert reviewers[0][1] <= line * 1.2, reviewers
            page.context.close()
