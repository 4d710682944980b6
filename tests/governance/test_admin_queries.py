"""The admin asks the database whether the viewer holds a capability once per capability and
page, not once per model and permission (its list of apps asked ~80 times a page before
session 21), and asks again on the next request."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.admin_scoping import OrganisationScopedAdmin

pytestmark = pytest.mark.django_db

# "Does the viewer hold this capability in some organisation?" as SQL.
HOLDS = 'SELECT 1 AS "a" FROM "governance_organisation" WHERE'


def _capabilities() -> set[str]:
    scoped = [a for a in admin.site._registry.values() if isinstance(a, OrganisationScopedAdmin)]
    named = {c for a in scoped for c in (a.view_capability, a.manage_capability)}
    return (named | {"admin.access"}) - {None}


@pytest.mark.parametrize("path", ["/admin/", "/admin/governance/agent/", "/admin/policies/policy/"])
def test_each_capability_is_asked_at_most_once_a_page(client, owner, path):
    client.force_login(owner)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    asked = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(HOLDS)]
    assert asked, "the page no longer asks: this test would measure nothing"
    assert len(asked) <= len(_capabilities()), "\n".join(asked)


def test_the_next_request_asks_again(client, reviewer, compliance_officer):
    # Remembered for one request: a role changed between two pages counts on the second.
    client.force_login(reviewer)
    assert client.get("/admin/governance/auditlog/").status_code == 302  # to the sign-in page
    reviewer.memberships.update(role=compliance_officer.memberships.get().role)
    assert client.get("/admin/governance/auditlog/").status_code == 200
