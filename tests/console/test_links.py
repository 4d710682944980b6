"""No link a signed-in person is shown dead-ends: from the pages each role opens, every
same-site link (one of each kind, up to a bound) answers that person 200 — not a 404 or a
401 from a link to a page or an API their role cannot use (session 16's browser tryout found
such links on the dashboard, the docs, the privacy notice, the policy and request admin pages
and the report pages)."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from governance.models import Organisation
from governance.roles import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

START = [
    "/",
    "/admin/",
    "/docs/",
    "/docs/python/",
    "/docs/typescript/",
    "/help/",
    "/privacy-notice/",
]
# Links that change something, download a file, or leave the pages a person reads.
SKIP = ("logout", "/delete/", "/act/", "/decide/", "/reveal/", "/switch/", "/verify/", "/erase/",
        "/export/", "/download/", ".pdf", "/pdf", "/json", "/static/", "/api/v1/docs/", "/api/v1/redoc/",
        "/api/v1/schema")  # fmt: skip
# Known and written down: none. (Session 16 had Django's admin link a read-only user to the
# user admin, which is for operators; governance/admin_site.py now links only what the viewer
# may open.)
KNOWN: tuple[str, ...] = ()
LIMIT = 160


def _kind(path: str) -> str:
    """One page of each kind: ids, uuids and query values do not make a new kind."""
    parts = urlsplit(path)
    shape = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+", "N", parts.path)
    return shape + (
        "?" + ",".join(sorted(k.split("=")[0] for k in parts.query.split("&")))
        if parts.query
        else ""
    )


def _dead_links(client) -> list[tuple[str, int, str]]:
    seen: set[str] = set()
    kinds: set[str] = set()
    queue = deque((page, "start") for page in START)
    dead = []
    while queue and len(seen) < LIMIT:
        path, parent = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        if response.status_code != 200:
            dead.append((path, response.status_code, parent))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        here = response.request["PATH_INFO"]
        for href in re.findall(r'href="([^"#]+)', response.content.decode()):
            url = urljoin("http://testserver" + here, href.replace("&amp;", "&"))
            if not url.startswith("http://testserver/"):
                continue
            target = url[len("http://testserver") :]
            if any(s in target for s in SKIP + KNOWN) or target in seen:
                continue
            kind = _kind(target)
            if kind not in kinds:
                kinds.add(kind)
                queue.append((target, here))
    return dead


@pytest.fixture
def demo(db):
    call_command("seed_demo", activity=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Organisation.objects.get(slug="demo")


@pytest.mark.parametrize(
    "role", [Role.OWNER, Role.COMPLIANCE_OFFICER, Role.REVIEWER, Role.DEVELOPER, "operator"]
)
def test_no_link_a_member_sees_dead_ends(client, demo, role):
    if role == "operator":
        user = UserFactory(username="root@example.test", is_superuser=True, is_staff=True)
    else:
        user = UserFactory(username=f"{role}@demo.test")
        MembershipFactory(user=user, organisation=demo, role=role)
    client.force_login(user)
    assert _dead_links(client) == []


@pytest.mark.parametrize("guide", ["python", "typescript"])
def test_the_guides_sections_can_be_linked_to(client, owner, guide):
    client.force_login(owner)
    page = client.get(f"/docs/{guide}/").content.decode()
    headings = re.findall(r"<h([1-4])( id=\"[^\"]+\")?>", page[page.index("<main") :])
    assert headings and all(anchor for _level, anchor in headings), headings
    assert 'id="install"' in page  # GitHub's id for "## Install", the section the docs cite
    ids = set(re.findall(r' id="([^"]+)"', page))
    for fragment in re.findall(rf'href="(?:/docs/{guide}/)?#([^"]+)"', page):
        assert fragment in ids, fragment
