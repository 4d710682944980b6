"""Fixtures every test can use: an organisation with one member per role, an outsider who
belongs to another organisation, agents, and API clients holding real keys."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient

from checks.services import agent_cache_clear
from governance import services
from governance.roles import Role
from policies.selectors import active_policies_clear
from tests.approvals.servers import AsgiServer
from tests.factories import AgentFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.policies.llm_server import FakeLLM

PASSWORD = "pw-for-tests-1"

# The property tests assert behaviour, not speed: on this 2-core machine under another suite's
# load, Hypothesis's per-example deadline and its "too slow" health check failed tests whose
# every example was right (session 18: test_text at load ~7).
settings.register_profile("execlave", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("execlave")


# make test runs the suite on SQLite and on PostgreSQL (scripts/test.sh); a test that gives the
# same answer on both carries the ``sqlite_pass_only`` marker and the PostgreSQL pass leaves it
# out (``-m "not sqlite_pass_only"``). A test of tests/policies that uses no database - the
# detectors and evaluators are pure, import-linter's first contract - gets the marker here
# (session 14: ~2,000 tests, ~90 s of one pass); any test that asks for the database in any way
# still runs in both. Since session 21 also the database-free tests of the modules below: the
# detectors' tuning scripts and the bench's peers (a child process in .venv-bench, given no
# database), the compliance report's PDF and HTML rendering of content in hand, and the chromium
# helper of tests/browser.py.
DATABASE_FREE_DIRS = (
    "tests/policies/",
    "tests/tooling/test_injection_",
    "tests/tooling/test_bench_injection_peers.py",
    "tests/tooling/test_browser_helpers.py",
    "tests/compliance/test_render.py",
)
_DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "live_server",
    }
)


def uses_no_database(item) -> bool:
    return (
        item.nodeid.startswith(DATABASE_FREE_DIRS)
        and item.get_closest_marker("django_db") is None
        and "postgres_only" not in item.keywords
        and _DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(tryfirst=True)  # the marker is on before -m selects
def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    for item in items:
        if uses_no_database(item):
            item.add_marker(pytest.mark.sqlite_pass_only)
    if not settings.IS_POSTGRES:
        skip = pytest.mark.skip(reason="needs PostgreSQL (runs in make test's PostgreSQL pass)")
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    """Policies and agents are cached per process; each test starts and ends without them."""
    active_policies_clear()
    agent_cache_clear()
    yield
    active_policies_clear()
    agent_cache_clear()


@pytest.fixture
def llm_server():
    """An OpenAI-compatible server on loopback (plain-English policies)."""
    server = FakeLLM().start()
    yield server
    server.stop()


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Acme", slug="acme")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Globex", slug="globex")


def _member(org, role, username):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def owner(org):
    return _member(org, Role.OWNER, "alice@acme.test")


@pytest.fixture
def admin_user(org):
    return _member(org, Role.ADMIN, "adam@acme.test")


@pytest.fixture
def compliance_officer(org):
    return _member(org, Role.COMPLIANCE_OFFICER, "carol@acme.test")


@pytest.fixture
def reviewer(org):
    return _member(org, Role.REVIEWER, "rita@acme.test")


@pytest.fixture
def developer(org):
    return _member(org, Role.DEVELOPER, "dave@acme.test")


@pytest.fixture
def outsider(other_org):
    """Owner of another organisation: must never see or touch `org`'s objects."""
    return _member(other_org, Role.OWNER, "oscar@globex.test")


@pytest.fixture
def agent(org):
    return AgentFactory(organisation=org, name="billing-bot")


@pytest.fixture
def other_agent(other_org):
    return AgentFactory(organisation=other_org, name="billing-bot")


@pytest.fixture
def make_key(db):
    """make_key(organisation, scopes=[...], agent=None) -> plaintext key."""

    def make(organisation, scopes=("check", "ingest", "read"), agent=None, **kwargs):
        _, plaintext = services.api_key_create(
            organisation=organisation,
            name="test key",
            actor=None,
            scopes=list(scopes),
            agent=agent,
            **kwargs,
        )
        return plaintext

    return make


@pytest.fixture
def api_client_for(make_key):
    """api_client_for(organisation, scopes=[...], agent=None) -> APIClient with a Bearer key."""

    def make(organisation, scopes=("check", "ingest", "read"), agent=None, **kwargs):
        client = APIClient()
        client.credentials(
            HTTP_AUTHORIZATION=f"Bearer {make_key(organisation, scopes, agent, **kwargs)}"
        )
        return client

    return make


@pytest.fixture
def api_client(org, api_client_for):
    return api_client_for(org)


@pytest.fixture
def other_api_client(other_org, api_client_for):
    return api_client_for(other_org)


@pytest.fixture
def asgi_server():
    """The real ASGI app served on loopback (for browser and live-HTTP tests), stopped after."""
    server = AsgiServer()
    yield server
    server.stop()
