"""Role rights per the table in docs/roles.md, and the audit row every service writes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance import services
from governance.audit import AuditAction
from governance.models import Agent, ApiKey, AuditLog, Membership, Organisation
from governance.roles import CAPABILITIES, Role
from governance.selectors import agents_for, can_on_agent, has_capability
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _last_audit(action):
    return AuditLog.objects.filter(action=action).order_by("-id").first()


# --- the rights table -----------------------------------------------------------------------------

EXPECTED = {
    # capability: roles that hold it (mirrors docs/roles.md; a change here must change both)
    "organisation.manage": {"owner"},
    "members.manage": {"owner", "admin"},
    "keys.manage": {"owner", "admin"},
    "keys.manage_agent": {"owner", "admin", "developer"},
    "agents.manage": {"owner", "admin", "developer"},
    "policies.manage": {"owner", "admin", "compliance_officer"},
    "reports.manage": {"owner", "admin", "compliance_officer"},
    "audit.read": {"owner", "admin", "compliance_officer"},
    "traces.read": {"owner", "admin", "compliance_officer", "reviewer", "developer"},
    "approvals.decide": {"owner", "admin", "reviewer"},
    "dsr.manage": {"owner", "admin"},
    "dsr.read": {"owner", "admin", "compliance_officer"},
    "admin.access": {"owner", "admin", "compliance_officer", "developer"},
}


def test_capability_table_is_what_the_readme_says():
    assert {cap: {str(r) for r in roles} for cap, (roles, _) in CAPABILITIES.items()} == EXPECTED


@pytest.mark.parametrize("capability", sorted(EXPECTED))
def test_each_role_gets_exactly_its_capabilities(org, capability):
    for role in Role:
        user = UserFactory(username=f"{role}@acme.test")
        Membership.objects.create(user=user, organisation=org, role=role)
        assert has_capability(user=user, organisation=org, capability=capability) == (
            role in EXPECTED[capability]
        )


def test_outsider_holds_no_capability_in_org(org, outsider):
    assert not any(has_capability(user=outsider, organisation=org, capability=c) for c in EXPECTED)


def test_reviewer_decides_only_for_granted_agents(org, owner, reviewer, agent):
    other = services.agent_create(organisation=org, name="support", actor=owner)
    assert not can_on_agent(user=reviewer, agent=agent, capability="approvals.decide")
    services.agent_permission_grant(
        agent=agent, user=reviewer, permission="decide_approvals", actor=owner
    )
    assert can_on_agent(user=reviewer, agent=agent, capability="approvals.decide")
    assert not can_on_agent(user=reviewer, agent=other, capability="approvals.decide")
    assert list(agents_for(user=reviewer, capability="approvals.decide")) == [agent]
    # Owners decide for every agent without a grant.
    assert set(agents_for(user=owner, capability="approvals.decide")) == {agent, other}
    assert _last_audit("agent.permission_granted").after == {
        "user": reviewer.username,
        "permission": "decide_approvals",
    }


def test_grant_to_a_non_member_is_refused(org, owner, agent, outsider):
    with pytest.raises(ValidationError):
        services.agent_permission_grant(
            agent=agent, user=outsider, permission="decide_approvals", actor=owner
        )


def test_developer_manages_keys_of_own_agents_only(org, owner, developer):
    mine = services.agent_create(organisation=org, name="mine", actor=developer)
    assert mine.owner == developer
    theirs = services.agent_create(organisation=org, name="theirs", actor=owner)
    api_key, _ = services.api_key_create(
        organisation=org, name="k", actor=developer, scopes=["check"], agent=mine
    )
    assert api_key.agent == mine
    with pytest.raises(PermissionDenied):
        services.api_key_create(
            organisation=org, name="k", actor=developer, scopes=["check"], agent=theirs
        )
    with pytest.raises(PermissionDenied):
        services.api_key_create(
            organisation=org, name="org-wide", actor=developer, scopes=["check"]
        )
    services.agent_permission_grant(
        agent=theirs, user=developer, permission="manage_keys", actor=owner
    )
    services.api_key_create(
        organisation=org, name="k2", actor=developer, scopes=["check"], agent=theirs
    )


def test_reviewer_and_compliance_officer_cannot_create_keys(org, reviewer, compliance_officer):
    for user in (reviewer, compliance_officer):
        with pytest.raises(PermissionDenied):
            services.api_key_create(organisation=org, name="k", actor=user, scopes=["read"])
    assert not ApiKey.objects.exists()


def test_policies_scope_needs_a_policy_manager(org, admin_user, developer, owner):
    agent = services.agent_create(organisation=org, name="a", actor=developer)
    with pytest.raises(PermissionDenied):
        services.api_key_create(
            organisation=org, name="k", actor=developer, scopes=["policies"], agent=agent
        )
    services.api_key_create(organisation=org, name="k", actor=admin_user, scopes=["policies"])


def test_admin_cannot_make_an_owner_but_owner_can(org, owner, admin_user):
    newcomer = UserFactory(username="new@acme.test")
    with pytest.raises(PermissionDenied):
        services.membership_add(organisation=org, user=newcomer, role=Role.OWNER, actor=admin_user)
    services.membership_add(organisation=org, user=newcomer, role=Role.OWNER, actor=owner)


def test_last_owner_cannot_be_removed_or_demoted(org, owner):
    membership = Membership.objects.get(user=owner, organisation=org)
    with pytest.raises(ValidationError):
        services.membership_change_role(membership=membership, role=Role.ADMIN, actor=owner)
    with pytest.raises(ValidationError):
        services.membership_remove(membership=membership, actor=owner)
    assert Membership.objects.get(pk=membership.pk).role == Role.OWNER


def test_outsider_cannot_act_in_org(org, outsider, agent):
    with pytest.raises(PermissionDenied):
        services.agent_create(organisation=org, name="x", actor=outsider)
    with pytest.raises(PermissionDenied):
        services.api_key_create(organisation=org, name="x", actor=outsider, scopes=["read"])
    with pytest.raises(PermissionDenied):
        services.membership_invite(organisation=org, email="x@y.z", role=Role.OWNER, actor=outsider)


# --- audit rows -------------------------------------------------------------------------------------


def test_every_service_writes_its_audit_row(owner):
    org = services.organisation_create(name="Initech", actor=owner, owner=owner)
    assert _last_audit("organisation.created").organisation == org
    assert _last_audit("membership.added").after == {"user": owner.username, "role": "owner"}

    services.organisation_update(
        organisation=org, actor=owner, allow_agent_autocreate=False, webhook_secret="s3cret"
    )
    row = _last_audit("organisation.updated")
    assert (
        row.before["allow_agent_autocreate"] is True
        and row.after["allow_agent_autocreate"] is False
    )
    assert (
        row.actor_user == owner
        and row.after["webhook_secret_changed"] is True
        and "s3cret" not in str(row.after)
    )

    member = services.membership_invite(
        organisation=org, email="Bob@Initech.test", role=Role.DEVELOPER, actor=owner
    )
    assert member.user.email == "bob@initech.test"
    services.membership_change_role(membership=member, role=Role.REVIEWER, actor=owner)
    assert _last_audit("membership.role_changed").after["role"] == "reviewer"

    agent = services.agent_create(organisation=org, name="bot", actor=owner)
    assert _last_audit("agent.created").after["name"] == "bot"
    services.agent_update(agent=agent, actor=owner, risk_class="high")
    assert _last_audit("agent.updated").after["risk_class"] == "high"
    # A high-risk agent on a plan keeping logs under six months (EU AI Act): warned and audited.
    assert _last_audit("organisation.retention_conflict").after["agents"] == ["bot"]

    api_key, plaintext = services.api_key_create(
        organisation=org, name="k", actor=owner, scopes=["read"]
    )
    created = _last_audit("api_key.created")
    assert created.object_id == str(api_key.pk) and plaintext not in str(created.after)
    services.api_key_revoke(api_key=api_key, actor=owner)
    assert _last_audit("api_key.revoked").after["revoked_at"] is not None

    services.membership_remove(membership=member, actor=owner)
    assert _last_audit("membership.removed").before["user"] == "bob@initech.test"

    dsr = services.data_subject_request_create(
        organisation=org, kind="erasure", subject="x@y.z", actor=owner
    )
    assert _last_audit("dsr.received").object_id == str(dsr.pk)
    services.data_subject_request_close(request=dsr, actor=owner, status="completed")
    assert _last_audit("dsr.completed") is not None
    assert AuditLog.objects.filter(organisation=org).count() == 13


def test_a_failed_service_writes_nothing(org, owner, agent):
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError):
        services.agent_create(organisation=org, name="billing-bot", actor=owner)
    assert AuditLog.objects.count() == before
    assert Agent.objects.filter(organisation=org).count() == 1


def test_audit_log_takes_members_of_audit_action_only(org, owner):
    row = services.audit_log_write(
        organisation=org, actor=owner, action=AuditAction.ORGANISATION_UPDATED
    )
    assert AuditLog.objects.get(pk=row.pk).action == "organisation.updated"
    with pytest.raises(ValueError):
        services.audit_log_write(organisation=org, actor=owner, action="organisation.renamed")
    assert AuditLog.objects.filter(action="organisation.renamed").count() == 0


def test_audit_log_is_append_only_in_python(org, owner):
    row = services.audit_log_write(
        organisation=org, actor=owner, action=AuditAction.ORGANISATION_UPDATED
    )
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        AuditLog.objects.filter(pk=row.pk).update(action="tampered")


@pytest.mark.postgres_only
def test_audit_log_trigger_refuses_raw_update_and_delete(org, owner):
    from django.db import DatabaseError, connection, transaction

    row = services.audit_log_write(
        organisation=org, actor=owner, action=AuditAction.ORGANISATION_UPDATED
    )
    for sql in (
        "UPDATE governance_auditlog SET action = 'x' WHERE id = %s",
        "DELETE FROM governance_auditlog WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [row.pk])
    assert AuditLog.objects.get(pk=row.pk).action == "organisation.updated"


def test_only_the_operator_changes_the_plan(org, owner):
    with pytest.raises(PermissionDenied):
        services.organisation_update(organisation=org, actor=owner, plan="enterprise")
    assert Organisation.objects.get(pk=org.pk).plan == "free"
    services.organisation_update(organisation=org, actor=None, plan="enterprise")
    assert Organisation.objects.get(pk=org.pk).plan == "enterprise"


def test_retention_rules(org, owner):
    assert org.retention_days == 7
    with pytest.raises(ValidationError):
        services.organisation_update(organisation=org, actor=owner, custom_retention_days=400)
    services.organisation_update(organisation=org, actor=None, plan="enterprise")
    org = services.organisation_update(organisation=org, actor=owner, custom_retention_days=400)
    assert org.retention_days == 400
    with pytest.raises(ValidationError):
        services.organisation_update(organisation=org, actor=owner, retention_unlimited=True)
    org = services.organisation_update(
        organisation=org, actor=owner, retention_unlimited=True, custom_retention_days=None
    )
    assert org.retention_days is None
    with pytest.raises(ValidationError):
        services.organisation_update(organisation=org, actor=owner, currency="usd")
    assert Organisation.objects.get(pk=org.pk).plan == "enterprise"


def test_agent_resolve_follows_the_autocreate_setting(org, owner, make_key):
    agent = services.agent_resolve(organisation=org, name="new-bot")
    assert agent.name == "new-bot" and _last_audit("agent.autoregistered") is not None
    services.organisation_update(organisation=org, actor=owner, allow_agent_autocreate=False)
    org.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.agent_resolve(organisation=org, name="other-bot")
    assert "other-bot" in exc.value.message_dict["agent"][0]


def test_api_key_actor_is_confined_to_its_organisation(org, other_org):
    foreign_key, _ = services.api_key_create(
        organisation=other_org, name="k", actor=None, scopes=["read"]
    )
    with pytest.raises(PermissionDenied):
        services.agent_create(organisation=org, name="x", actor=foreign_key)
    own_key, _ = services.api_key_create(organisation=org, name="k", actor=None, scopes=["read"])
    assert services.agent_create(organisation=org, name="x", actor=own_key).name == "x"


def test_deactivated_agent_cannot_act(org, owner, agent):
    services.agent_update(agent=agent, actor=owner, is_active=False)
    with pytest.raises(PermissionDenied, match="deactivated"):
        services.agent_resolve(organisation=org, name="billing-bot")
    services.api_key_create(organisation=org, name="k", actor=owner, scopes=["check"], agent=agent)
    bound = ApiKey.objects.select_related("agent").get(name="k")  # as authentication loads it
    with pytest.raises(PermissionDenied, match="deactivated"):
        services.agent_resolve(organisation=org, name="billing-bot", api_key=bound)


@pytest.mark.parametrize("name", ["bad\x00name", "tab\tname", "x" * 121])
def test_agent_names_are_validated(org, name):
    with pytest.raises(ValidationError) as exc:
        services.agent_resolve(organisation=org, name=name)
    assert "agent" in exc.value.message_dict
    assert not Agent.objects.filter(organisation=org).exists()


def test_invitation_email_carries_a_working_password_link(
    org, owner, client, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_invite(
            organisation=org, email="newbie@acme.test", role=Role.REVIEWER, actor=owner
        )
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["newbie@acme.test"]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    # The invited member meets Execlave, not "Django administration" and a "Password reset" of
    # a password they never had, nor a breadcrumb into an admin their role may not enter.
    page = form_page.content.decode()
    assert "<h1>Choose your password</h1>" in page and "Execlave" in page
    assert "Django administration" not in page and "Password reset" not in page
    assert 'class="breadcrumbs"' not in page
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "A-str0ng-passw0rd", "new_password2": "A-str0ng-passw0rd"},
    )
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "<h1>Your password is set</h1>" in done and "Django administration" not in done
    assert 'class="breadcrumbs"' not in done
    assert client.login(username="newbie@acme.test", password="A-str0ng-passw0rd")


def test_a_second_invite_before_a_password_is_chosen_still_carries_the_link(
    org, other_org, owner, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    """Invited to one organisation, then to another before choosing a password: the second
    e-mail must carry the password link too ("Log in" would leave them with no way in)."""
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_invite(
            organisation=org, email="twice@acme.test", role=Role.REVIEWER, actor=owner
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_invite(
            organisation=other_org, email="twice@acme.test", role=Role.REVIEWER, actor=outsider
        )
    assert len(mailoutbox) == 2
    assert "/accounts/reset/" in mailoutbox[1].body and "Choose your password" in mailoutbox[1].body


def test_invite_finds_an_existing_user_by_username(org, owner):
    existing = UserFactory(username="legacy@acme.test", email="")
    membership = services.membership_invite(
        organisation=org, email="legacy@acme.test", role=Role.DEVELOPER, actor=owner
    )
    assert membership.user == existing
