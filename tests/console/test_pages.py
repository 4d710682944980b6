"""Every console page renders for every role, with the demo's data and with an empty
organisation; navigation shows each role only places it may use; another organisation's
member never sees this organisation's objects."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from governance.models import Membership, Organisation
from governance.roles import Role
from tests.factories import AgentFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/help/",
    "/security/",
    "/privacy-notice/",
    "/docs/",
    "/docs/python/",
    "/api/v1/docs/",
    "/api/v1/redoc/",
]
# page -> roles that may open it (others get 404 or are sent to their own landing page)
MEMBER_PAGES = {
    "/dashboard/": {Role.OWNER, Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.DEVELOPER},
    "/onboarding/": {Role.OWNER, Role.ADMIN, Role.DEVELOPER},
    "/policies/new/": {Role.OWNER, Role.ADMIN, Role.COMPLIANCE_OFFICER},
}
NAV = {
    Role.OWNER: {
        "dashboard",
        "approvals",
        "ledger",
        "policies",
        "policy-new",
        "reports",
        "privacy",
        "onboarding",
        "admin",
    },
    Role.ADMIN: {
        "dashboard",
        "approvals",
        "ledger",
        "policies",
        "policy-new",
        "reports",
        "privacy",
        "onboarding",
        "admin",
    },
    Role.COMPLIANCE_OFFICER: {
        "dashboard",
        "ledger",
        "policies",
        "policy-new",
        "reports",
        "privacy",
        "admin",
    },
    Role.REVIEWER: {"approvals"},
    Role.DEVELOPER: {"dashboard", "ledger", "onboarding", "admin"},
}


def nav_keys(html: str) -> set[str]:
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    return set(re.findall(r'data-nav="([^"]+)"', nav)) - {"docs", "help"}


def _check_role_pages(client, organisation):
    for role in Role:
        user = UserFactory(username=f"{role}@{organisation.slug}.test")
        MembershipFactory(user=user, organisation=organisation, role=role)
        client.force_login(user)
        home = client.get("/", follow=True)
        assert home.status_code == 200, role
        html = home.content.decode()
        assert nav_keys(html) == NAV[role], role
        # No link of the navigation dead-ends: each answers 200 for this role.
        nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
        for href in re.findall(r'href="([^"]+)"', nav):
            assert client.get(href).status_code == 200, (role, href)
        for page, roles in MEMBER_PAGES.items():
            response = client.get(page)
            assert response.status_code == (200 if role in roles else 404), (role, page)
        for page in PUBLIC:
            assert client.get(page).status_code == 200, (role, page)
        client.logout()


def test_every_page_for_every_role_with_demo_data(client):
    call_command("seed_demo", activity=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    demo = Organisation.objects.get(slug="demo")
    _check_role_pages(client, demo)
    # The demo owner sees the demo's agents and numbers on the dashboard.
    client.force_login(
        Membership.objects.get(organisation=demo, user__username="owner@demo.execlave.dev").user
    )
    html = client.get("/").content.decode()
    for name in ("billing-bot", "support-agent", "data-analyst"):
        assert name in html
    calls = int(re.search(r'data-metric="calls">(\d+)', html).group(1))
    assert calls > 0


def test_every_page_for_every_role_in_an_empty_organisation(client):
    _check_role_pages(client, OrganisationFactory(name="Empty", slug="empty"))


def test_anonymous_visitors_see_public_pages_and_sign_in_for_the_rest(client):
    for page in PUBLIC:
        assert client.get(page).status_code == 200, page
    for page in ("/", "/dashboard/", "/onboarding/"):
        response = client.get(page)
        assert response.status_code == 302 and "/approvals/login/" in response["Location"]


def test_superuser_without_membership_lands_on_the_dashboard(client, org):
    admin = UserFactory(username="root@example.test", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get("/")
    assert response.status_code == 200 and b'data-metric="calls"' in response.content
    # The admin's "View site" goes to "/", which works for the operator; no Approvals link.
    assert "approvals" not in nav_keys(response.content.decode())
    assert client.get("/admin/").status_code == 200


def test_admin_pages_carry_the_shared_navigation(client, org, compliance_officer, other_org):
    Membership.objects.create(user=compliance_officer, organisation=other_org, role=Role.REVIEWER)
    client.force_login(compliance_officer)
    html = client.get("/admin/").content.decode()
    assert 'class="execlave-nav"' in html and 'data-nav="dashboard"' in html
    assert 'name="organisation"' in html  # the switcher, for a member of two organisations
    assert 'data-nav="approvals"' not in html  # no queue for a compliance officer here


def test_the_navigation_marks_the_place_you_are_in(client, org, compliance_officer, other_org):
    """One tab is aria-current: the page's own, or the part of the console it belongs to.
    Session 23 found "Console" marked on the compliance app's index, which lists reports."""
    client.force_login(compliance_officer)

    def current(url):
        html = client.get(url).content.decode()
        # The product's bar (the console's pages and the admin's); Django's own sidebar marks
        # its model separately.
        nav = re.search(r'<nav class="(?:mainnav|execlave-nav)".*?</nav>', html, re.S).group(0)
        marked = [
            re.search(r'data-nav="([^"]+)"', link).group(1)
            for link in re.findall(r"<a [^>]*>", nav)
            if 'aria-current="page"' in link
        ]
        assert len(marked) <= 1, (url, marked)
        return marked[0] if marked else None

    assert current("/admin/compliance/") == "reports"
    assert current("/admin/compliance/report/") == "reports"
    assert current("/admin/traces/") == "ledger"
    assert current("/admin/") == "admin"
    assert current("/admin/governance/") == "admin"  # members, keys, roles: the console's own
    assert current("/admin/governance/auditlog/") == "admin"
    assert current("/dashboard/") == "dashboard"
    assert current("/privacy/requests/") == "privacy"
    assert current("/policies/new/") == "policy-new"


def test_admin_login_asks_for_an_email(client):
    html = client.get("/admin/login/").content.decode()
    assert re.search(r"<label[^>]*>E-mail:?</label>", html)
    assert "Username" not in html


def test_another_organisations_member_gets_404(client, org, owner, outsider):
    agent = AgentFactory(organisation=org, name="secret-bot")
    client.force_login(outsider)
    assert "secret-bot" not in client.get("/").content.decode()
    assert client.get(f"/onboarding/?agent={agent.pk}").status_code == 404
    assert client.get(f"/onboarding/first-call/?agent={agent.pk}").status_code == 404
    assert client.post("/onboarding/key/", {"agent": agent.pk}).status_code == 404
    assert not agent.api_keys.exists()
    # Switching into the organisation is refused too.
    assert client.post("/organisation/switch/", {"organisation": org.pk}).status_code == 404


def test_bad_dates_are_form_errors_not_500(client, org, owner):
    client.force_login(owner)
    for params in (
        {"from": "yesterday"},
        {"from": "2026-12-10", "to": "2026-12-01"},
        {"from": "2020-01-01", "to": "2026-12-01"},
        {"to": "2026-02-30"},
    ):
        response = client.get("/dashboard/", params)
        assert response.status_code == 200, params
        assert b'role="alert"' in response.content, params


def test_signing_in_leads_each_role_to_its_landing_page(client, org, compliance_officer, reviewer):
    from tests.conftest import PASSWORD

    for user, landing in ((compliance_officer, "/dashboard/"), (reviewer, "/approvals/")):
        response = client.post(
            "/approvals/login/", {"username": user.username, "password": PASSWORD}, follow=True
        )
        assert response.status_code == 200
        final = response.redirect_chain[-1][0] if response.redirect_chain else "/"
        assert response.request["PATH_INFO"] in (landing, "/"), (user, response.redirect_chain)
        if landing == "/dashboard/":
            assert b'data-metric="calls"' in response.content and final == "/"
        else:
            assert final == "/approvals/"
        client.logout()


def test_docs_and_help_name_every_framework_adapter(client):
    # They named LangChain, CrewAI and AG2 only: not the OpenAI Agents SDK adapter, nor any of
    # the TypeScript SDK's (both READMEs have a section for each).
    for url in ("/docs/", "/help/"):
        text = client.get(url).content.decode()
        for name in (
            "LangChain",
            "CrewAI",
            "AG2",
            "OpenAI Agents SDK",
            "LangChain.js",
            "Vercel AI SDK",
        ):
            assert name in text, (url, name)
