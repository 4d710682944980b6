"""Removing yourself is a deliberate "Leave the organisation" (session 24's walk: "Remove this
member" worked on one's own membership, alone or ticked among others), and an organisation's
last owner can neither leave nor be removed. The rules are the services'; the admin offers
what they allow and says why when they refuse."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance import services
from governance.models import AuditLog, Membership
from governance.roles import Role
from tests.browser import admin_sign_in, chromium, db, open_page
from tests.factories import MembershipFactory, UserFactory

CHANGELIST = "/admin/governance/membership/"


def _membership(org, user):
    return Membership.objects.get(organisation=org, user=user)


# --- the services ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_leaves_only_their_own_membership_and_it_is_audited(
    org, owner, admin_user, developer
):
    with pytest.raises(PermissionDenied):
        services.membership_leave(membership=_membership(org, developer), actor=admin_user)
    with pytest.raises(PermissionDenied):
        services.membership_leave(membership=_membership(org, developer), actor=None)

    services.membership_leave(membership=_membership(org, developer), actor=developer)
    assert not Membership.objects.filter(organisation=org, user=developer).exists()
    row = AuditLog.objects.filter(organisation=org, action="membership.left").get()
    assert row.actor_user == developer and row.before == {
        "user": developer.username,
        "role": Role.DEVELOPER,
    }


@pytest.mark.django_db
def test_removing_is_for_others_and_the_last_owner_stays(org, owner, admin_user):
    # Your own membership is left, never removed.
    with pytest.raises(ValidationError, match="Leave the organisation"):
        services.membership_remove(membership=_membership(org, admin_user), actor=admin_user)
    # The only owner can neither leave nor be removed, by anyone (an operator included).
    with pytest.raises(ValidationError, match="You are the only owner of Acme"):
        services.membership_leave(membership=_membership(org, owner), actor=owner)
    operator = UserFactory(username="op@execlave.test", is_superuser=True)
    with pytest.raises(ValidationError, match="only owner of Acme"):
        services.membership_remove(membership=_membership(org, owner), actor=operator)
    assert _membership(org, owner).role == Role.OWNER
    # With a second owner, the first may go.
    services.membership_change_role(
        membership=_membership(org, admin_user), role=Role.OWNER, actor=owner
    )
    services.membership_leave(membership=_membership(org, owner), actor=owner)
    assert list(Membership.objects.filter(organisation=org, role=Role.OWNER)) == [
        _membership(org, admin_user)
    ]


# --- the admin over HTTP ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_never_removes_or_leaves_for_you(client, org, owner, admin_user, reviewer):
    client.force_login(admin_user)
    listing = client.get(CHANGELIST).content.decode()
    # "Leave" is not among the list's actions: it is one membership's, from its page.
    assert 'value="remove_members"' in listing and 'value="leave_organisation"' not in listing
    mine, theirs = _membership(org, admin_user), _membership(org, reviewer)
    response = client.post(
        CHANGELIST,
        {"action": "remove_members", "_selected_action": [mine.pk, theirs.pk], "confirmed": "yes"},
        follow=True,
    )
    html = response.content.decode()
    assert "Removed 1 member(s)." in html and "This is your own membership" in html
    assert Membership.objects.filter(pk=mine.pk).exists()
    assert not Membership.objects.filter(pk=theirs.pk).exists()
    # A forged "leave" of a selection, or of someone else's membership, does nothing.
    response = client.post(
        CHANGELIST,
        {"action": "leave_organisation", "_selected_action": [_membership(org, owner).pk]},
        follow=True,
    )
    assert "from your own membership&#x27;s page" in response.content.decode()
    assert Membership.objects.filter(organisation=org).count() == 2


@pytest.mark.django_db
def test_pages_offer_leave_on_your_own_and_remove_on_others_to_managers_only(
    client, org, owner, admin_user, compliance_officer
):
    client.force_login(admin_user)
    mine = client.get(
        reverse("admin:governance_membership_change", args=[_membership(org, admin_user).pk])
    )
    theirs = client.get(
        reverse("admin:governance_membership_change", args=[_membership(org, owner).pk])
    )
    assert b"object-action-leave_organisation" in mine.content
    assert b"object-action-remove_members" not in mine.content
    assert b"object-action-remove_members" in theirs.content
    assert b"object-action-leave_organisation" not in theirs.content
    # A compliance officer reads the members and may leave, but is offered no removal (it was
    # offered, then refused with "You may not do this").
    client.force_login(compliance_officer)
    listing = client.get(CHANGELIST).content.decode()
    assert 'value="remove_members"' not in listing
    own = client.get(
        reverse(
            "admin:governance_membership_change", args=[_membership(org, compliance_officer).pk]
        )
    )
    assert b"object-action-leave_organisation" in own.content
    other = client.get(
        reverse("admin:governance_membership_change", args=[_membership(org, owner).pk])
    )
    assert b"object-action-" not in other.content


@pytest.mark.django_db
def test_leaving_keeps_other_organisations_out(client, org, other_org, owner, outsider):
    theirs = _membership(other_org, outsider)
    client.force_login(owner)
    assert (
        client.get(reverse("admin:governance_membership_change", args=[theirs.pk])).status_code
        == 404
    )
    client.post(
        CHANGELIST,
        {"action": "leave_organisation", "_selected_action": [theirs.pk], "confirmed": "yes"},
    )
    assert Membership.objects.filter(pk=theirs.pk).exists()


# --- in the browser ---------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_admin_leaves_after_a_clear_question(org, other_org, owner, admin_user, asgi_server):
    # A member of two organisations leaves one and keeps the other.
    MembershipFactory(user=admin_user, organisation=other_org, role=Role.DEVELOPER)
    mine = db(lambda: _membership(org, admin_user))
    with chromium() as browser:
        page = open_page(browser, width=390, height=844)
        admin_sign_in(
            page,
            asgi_server.url,
            admin_user.username,
            then=f"/admin/governance/membership/{mine.pk}/change/",
        )
        page.click("button.object-action-leave_organisation")
        page.wait_for_selector(".leave-organisation")
        assert page.inner_text("h1") == "Leave Acme?"
        question = page.inner_text("#content-main")
        assert (
            "You will leave Acme, where you are Admin: you lose access to it at once." in question
        )
        # "No, stay" goes back to the membership, which is still there.
        page.click("text=No, stay")
        page.wait_for_url(f"**/admin/governance/membership/{mine.pk}/change/")
        assert db(lambda: Membership.objects.filter(pk=mine.pk).exists())

        page.click("button.object-action-leave_organisation")
        page.click("input[value='Yes, leave Acme']")
        page.wait_for_selector("text=You left Acme.")
        assert not db(lambda: Membership.objects.filter(pk=mine.pk).exists())
        assert db(
            lambda: Membership.objects.filter(user=admin_user, organisation=other_org).exists()
        )
        assert (
            db(lambda: AuditLog.objects.filter(organisation=org, action="membership.left").count())
            == 1
        )
