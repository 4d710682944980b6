"""Session 24's walk through the console as an owner and an admin, in Debian's chromium against
the real ASGI app: an API key copied from the page that shows it once, and revoked from its
own page; a member removed from theirs; what each role is for, where a role is given; and the
last owner told what to do instead of only what is wrong. Plus the tenancy of the new buttons:
they post to the list, which never reaches another organisation's rows."""

from __future__ import annotations

import re

import pytest

from governance import services
from governance.models import ApiKey, Membership
from governance.roles import ROLE_SUMMARIES, Role
from tests.browser import admin_sign_in, chromium, db, open_page
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_a_key_is_copied_once_and_revoked_from_its_page(org, admin_user, asgi_server):
    with chromium() as browser:
        page = open_page(browser, width=390, height=844)
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        admin_sign_in(
            page, asgi_server.url, admin_user.username, then="/admin/governance/apikey/add/"
        )
        page.fill("input[name=name]", "billing")
        page.click("input[name=_save]")
        page.wait_for_selector("#new-api-key")
        secret = page.inner_text("#new-api-key").strip()
        # One 51-character word: it wraps on a phone instead of widening the page.
        assert fits(page)
        page.click("#copy-key")
        page.wait_for_function("document.getElementById('copy-status').textContent.length > 0")
        assert page.inner_text("#copy-status").startswith("Copied.")
        assert page.evaluate("navigator.clipboard.readText()") == secret

        # The key's own page: its scopes as words, its status, and the way to revoke it.
        key = db(lambda: ApiKey.objects.get(organisation=org, name="billing"))
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"{asgi_server.url}/admin/governance/apikey/{key.pk}/change/")
        assert "check, ingest" in page.inner_text(".field-scope_list")
        assert page.inner_text(".field-status .readonly").strip() == "active"
        assert '["check"' not in page.content()
        page.click("button.object-action-revoke_keys")
        page.wait_for_selector("text=Revoke these API keys?")  # it asks first, naming the key
        assert "billing" in page.inner_text("#content-main")
        page.click("input[value='Yes, revoke them']")
        page.wait_for_selector(".messagelist")
        assert "Revoked 1 key(s)." in page.inner_text(".messagelist")
        assert db(lambda: ApiKey.objects.get(pk=key.pk).revoked_at) is not None
        # A revoked key offers neither revoke nor rotate.
        page.goto(f"{asgi_server.url}/admin/governance/apikey/{key.pk}/change/")
        assert page.inner_text(".field-status .readonly").strip() == "revoked"
        assert page.locator("form.object-action").count() == 0


def test_members_are_explained_removed_and_the_last_owner_is_told_what_to_do(
    org, owner, reviewer, asgi_server
):
    with chromium() as browser:
        page = open_page(browser, width=1280, height=800)
        admin_sign_in(
            page, asgi_server.url, owner.username, then="/admin/governance/membership/add/"
        )
        # Called members, as the console calls them ("Add membership" before).
        assert "Add member" in page.inner_text("#content h1, #content-main h1, h1")
        # What each role is for, under the choice.
        summaries = page.inner_text(".role-summaries")
        for role in Role:
            assert f"{role.label}: {ROLE_SUMMARIES[role]}" in summaries

        # The only owner steps down: the error says what to do first.
        mine = db(lambda: Membership.objects.get(organisation=org, user=owner))
        page.goto(f"{asgi_server.url}/admin/governance/membership/{mine.pk}/change/")
        page.select_option("select[name=role]", label="Admin")
        page.click("input[name=_save]")
        page.wait_for_selector(".errorlist")
        error = page.inner_text(".errorlist")
        assert "only owner of Acme" in error and "Make another member an owner first" in error
        # ... and so does leaving, from their own page (which offers no "Remove this member"):
        # before anything is asked, with no button to go ahead.
        assert page.locator("button.object-action-remove_members").count() == 0
        page.click("button.object-action-leave_organisation")
        page.wait_for_selector(".leave-organisation")
        told = page.inner_text("#content-main")
        assert "You cannot leave Acme yet: you are its only owner" in told
        assert "Make another member an owner first" in told
        assert page.locator(".leave-organisation input[type=submit]").count() == 0
        assert db(lambda: Membership.objects.filter(pk=mine.pk).exists())

        # Another member is removed from their page, after the question.
        theirs = db(lambda: Membership.objects.get(organisation=org, user=reviewer))
        page.goto(f"{asgi_server.url}/admin/governance/membership/{theirs.pk}/change/")
        page.click("button.object-action-remove_members")
        page.wait_for_selector("text=Remove these members?")
        page.click("input[value='Yes, remove them']")
        page.wait_for_selector(".messagelist")
        assert "Removed 1 member(s)." in page.inner_text(".messagelist")
        assert not db(lambda: Membership.objects.filter(pk=theirs.pk).exists())

        # The audit log has the removal, and calls its rows entries ("Select audit log to view").
        page.goto(f"{asgi_server.url}/admin/governance/auditlog/")
        assert "Select audit log entry to view" in page.inner_text("h1")
        assert "Member removed" in page.inner_text("#result_list")
        assert "Audit log entries" in page.inner_text(".breadcrumbs")

        # On a phone the buttons fit beside the page's title.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{asgi_server.url}/admin/governance/membership/{mine.pk}/change/")
        assert page.locator("button.object-action-leave_organisation").is_visible()
        assert fits(page)


def test_the_page_buttons_never_reach_another_organisation(client, org, owner, other_org):
    stranger = UserFactory(username="sam@globex.test")
    theirs = MembershipFactory(user=stranger, organisation=other_org, role=Role.ADMIN)
    _, _plain = services.api_key_create(
        organisation=other_org, name="globex", actor=None, scopes=["check"]
    )
    key = ApiKey.objects.get(organisation=other_org, name="globex")
    client.force_login(owner)
    # Their pages are not found, so no button is shown ...
    assert client.get(f"/admin/governance/membership/{theirs.pk}/change/").status_code == 404
    assert client.get(f"/admin/governance/apikey/{key.pk}/change/").status_code == 404
    # ... and a forged post of the buttons' form, confirmed, touches nothing.
    for url, action, pk in (
        ("/admin/governance/membership/", "remove_members", theirs.pk),
        ("/admin/governance/apikey/", "revoke_keys", key.pk),
    ):
        response = client.post(
            url, {"action": action, "_selected_action": [pk], "confirmed": "yes"}, follow=True
        )
        assert response.status_code == 200
        assert not re.search(r"Removed \d|Revoked \d", response.content.decode())
    assert Membership.objects.filter(pk=theirs.pk).exists()
    key.refresh_from_db()
    assert key.revoked_at is None
