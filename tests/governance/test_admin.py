"""The admin console, scoped to the member's organisation."""

import re

import pytest
from django.contrib.messages import get_messages

from governance import keys, services
from governance.audit import AuditAction
from governance.models import Agent, ApiKey, AuditLog, Membership
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def globex_agent(other_org):
    return AgentFactory(organisation=other_org, name="globex-secret-agent")


def test_compliance_officer_sees_only_own_organisation(
    client, compliance_officer, agent, globex_agent
):
    client.force_login(compliance_officer)
    page = client.get("/admin/governance/agent/")
    assert page.status_code == 200
    assert b"billing-bot" in page.content and b"globex-secret-agent" not in page.content
    assert client.get(f"/admin/governance/agent/{agent.pk}/change/").status_code == 200


@pytest.mark.parametrize(
    "model", ["agent", "apikey", "membership", "auditlog", "organisation", "datasubjectrequest"]
)
def test_other_organisations_objects_are_404_by_url(client, owner, outsider, other_org, model):
    agent = AgentFactory(organisation=other_org, name="x")
    objects = {
        "agent": agent,
        "apikey": services.api_key_create(
            organisation=other_org, name="k", actor=None, scopes=["read"]
        )[0],
        "membership": Membership.objects.get(user=outsider),
        "auditlog": AuditLog.objects.filter(organisation=other_org).first(),
        "organisation": other_org,
        "datasubjectrequest": services.data_subject_request_create(
            organisation=other_org, kind="access", subject="s@x.y", actor=None
        ),
    }
    client.force_login(owner)
    response = client.get(f"/admin/governance/{model}/{objects[model].pk}/change/")
    assert response.status_code == 404


def test_outsider_list_never_shows_org_objects(client, outsider, agent, owner):
    services.api_key_create(
        organisation=agent.organisation, name="acme-key", actor=owner, scopes=["read"]
    )
    client.force_login(outsider)
    for url in [
        "/admin/governance/agent/",
        "/admin/governance/apikey/",
        "/admin/governance/membership/",
        "/admin/governance/auditlog/",
    ]:
        page = client.get(url)
        assert page.status_code == 200
        assert (
            b"billing-bot" not in page.content
            and b"acme-key" not in page.content
            and b"alice@acme" not in page.content
        )


def test_reviewer_cannot_enter_the_console(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_developer_cannot_read_audit_log(client, developer):
    client.force_login(developer)
    assert client.get("/admin/governance/auditlog/").status_code == 403


def test_creating_a_key_in_the_admin_shows_the_secret_once(client, admin_user, org, agent):
    client.force_login(admin_user)
    response = client.post(
        "/admin/governance/apikey/add/",
        {
            "organisation": org.pk,
            "name": "from admin",
            "agent": agent.pk,
            "scopes": ["check", "ingest"],
            "expires_at_0": "",
            "expires_at_1": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies.get("messages")  # the secret travels in this page only
    shown = re.search(rb"(exk_live_[0-9a-f]{8}_[A-Za-z0-9_\-]+)", response.content)
    assert shown, response.content[:3000]
    api_key = ApiKey.objects.get(name="from admin")
    assert keys.secret_matches(keys.parse(shown.group(1).decode()).secret, api_key.hashed_secret)
    assert api_key.scopes == ["check", "ingest"] and api_key.created_by == admin_user
    # Shown once: the next page does not carry it.
    again = client.get(f"/admin/governance/apikey/{api_key.pk}/change/")
    assert shown.group(1) not in again.content
    assert AuditLog.objects.filter(
        action="api_key.created", object_id=str(api_key.pk), actor_user=admin_user
    ).exists()


def test_reloading_the_key_created_page_does_not_create_a_second_key(client, admin_user, org):
    # Session 16's tryout: the "API key created" page is the answer to the form's POST, so a
    # reload re-posted it and made a second key with the same name.
    client.force_login(admin_user)
    form = client.get("/admin/governance/apikey/add/").content.decode()
    once = re.search(r'name="once" value="([0-9a-f]{32})"', form).group(1)
    data = {"organisation": org.pk, "name": "once only", "scopes": ["check"], "once": once}
    first = client.post("/admin/governance/apikey/add/", data)
    assert b"exk_live_" in first.content
    again = client.post("/admin/governance/apikey/add/", data)
    assert again.status_code == 200 and b"exk_live_" not in again.content
    assert "already sent" in again.content.decode()
    assert ApiKey.objects.filter(name="once only").count() == 1
    # A fresh form makes another key.
    fresh = re.search(
        r'name="once" value="([0-9a-f]{32})"',
        client.get("/admin/governance/apikey/add/").content.decode(),
    ).group(1)
    assert fresh != once
    client.post("/admin/governance/apikey/add/", {**data, "once": fresh})
    assert ApiKey.objects.filter(name="once only").count() == 2


def test_admin_key_form_rejects_bad_input_without_500(client, admin_user, org):
    client.force_login(admin_user)
    response = client.post(
        "/admin/governance/apikey/add/", {"organisation": org.pk, "name": "k", "scopes": ["bogus"]}
    )
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not ApiKey.objects.exists()


def test_key_form_cannot_target_another_organisation(client, admin_user, other_org):
    client.force_login(admin_user)
    response = client.post(
        "/admin/governance/apikey/add/",
        {"organisation": other_org.pk, "name": "k", "scopes": ["read"]},
    )
    assert response.status_code == 200 and b"errorlist" in response.content
    assert not ApiKey.objects.filter(organisation=other_org).exists()


def test_revoke_action(client, admin_user, org):
    api_key, _ = services.api_key_create(
        organisation=org, name="k", actor=admin_user, scopes=["read"]
    )
    client.force_login(admin_user)
    client.post(
        "/admin/governance/apikey/",
        {"action": "revoke_keys", "_selected_action": [api_key.pk], "confirmed": "yes"},
        follow=True,
    )
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    # Revoking it again says so, instead of "Revoked 1 key(s)".
    again = client.post(
        "/admin/governance/apikey/",
        {"action": "revoke_keys", "_selected_action": [api_key.pk], "confirmed": "yes"},
        follow=True,
    ).content.decode()
    assert "1 key(s) were already revoked." in again and "Revoked 1 key(s)" not in again


def test_rotating_a_key_shows_the_new_secret_once_and_lets_the_old_one_expire(
    client, admin_user, org, agent, other_org
):
    """There was no way to rotate a key but to create a second one by hand (copying name,
    agent and scopes) and revoke the first, cutting off the agent if done in that order."""
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    old, old_secret = services.api_key_create(
        organisation=org, name="billing", actor=admin_user, scopes=["check", "ingest"], agent=agent
    )
    client.force_login(admin_user)
    asked = client.post(
        "/admin/governance/apikey/", {"action": "rotate_key", "_selected_action": [old.pk]}
    ).content.decode()
    assert "Rotate this API key?" in asked and ApiKey.objects.count() == 1
    page = client.post(
        "/admin/governance/apikey/",
        {"action": "rotate_key", "_selected_action": [old.pk], "confirmed": "yes"},
    )
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    secret = re.search(r'id="new-api-key"[^>]*>([^<]+)<', html).group(1)
    new = ApiKey.objects.exclude(pk=old.pk).get()
    assert (new.name, new.agent, sorted(new.scopes)) == ("billing", agent, ["check", "ingest"])
    old.refresh_from_db()
    assert old.revoked_at is None
    assert timedelta(hours=23) < old.expires_at - timezone.now() <= timedelta(hours=24)
    assert 'id="rotated"' in html and old.masked in html
    # Both secrets work during the grace period; the new one is shown nowhere else.
    for key in (old_secret, secret):
        answer = Client().get("/api/v1/agents", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert answer.status_code != 401, answer.content
    assert secret not in client.get("/admin/governance/apikey/").content.decode()
    row = AuditLog.objects.get(action=AuditAction.API_KEY_ROTATED)
    assert row.after["replaced_by"] == new.prefix and row.actor_user == admin_user
    # A revoked key is not rotated; more than one key at a time is refused.
    services.api_key_revoke(api_key=old, actor=admin_user)
    refused = client.post(
        "/admin/governance/apikey/",
        {"action": "rotate_key", "_selected_action": [old.pk], "confirmed": "yes"},
        follow=True,
    ).content.decode()
    assert (
        f"Could not rotate billing ({old.masked}): The key is revoked or expired: create a new "
        "key instead." in refused
    )
    assert ApiKey.objects.count() == 2
    # Another organisation's key cannot be selected (the changelist is scoped).
    theirs, _ = services.api_key_create(
        organisation=other_org, name="theirs", actor=None, scopes=["read"]
    )
    client.post(
        "/admin/governance/apikey/",
        {"action": "rotate_key", "_selected_action": [theirs.pk], "confirmed": "yes"},
    )
    assert ApiKey.objects.filter(organisation=other_org).count() == 1


def test_revoking_keys_and_removing_members_ask_first(client, admin_user, org, reviewer, other_org):
    """Revocation cannot be undone and a removed member is locked out at once: both actions
    show what they will do and to whom before they do it (they used to act on the first click)."""
    api_key, _ = services.api_key_create(
        organisation=org, name="billing-key", actor=admin_user, scopes=["check"]
    )
    foreign, _ = services.api_key_create(
        organisation=other_org, name="globex-key", actor=None, scopes=["check"]
    )
    membership = Membership.objects.get(organisation=org, user=reviewer)
    client.force_login(admin_user)
    for url, action, pks, named, still_there in [
        (
            "/admin/governance/apikey/",
            "revoke_keys",
            [api_key.pk, foreign.pk],
            "billing-key",
            lambda: ApiKey.objects.filter(revoked_at__isnull=True).count() == 2,
        ),
        (
            "/admin/governance/membership/",
            "remove_members",
            [membership.pk],
            reviewer.email,
            lambda: Membership.objects.filter(pk=membership.pk).exists(),
        ),
    ]:
        page = client.post(url, {"action": action, "_selected_action": pks})
        assert page.status_code == 200 and still_there()
        body = page.content.decode()
        assert named in body and "1 selected" in body and 'name="confirmed" value="yes"' in body
        assert "globex-key" not in body  # another organisation's key is never listed
        assert f'href="{url}"' in body  # the way back
        # Django's delete-confirmation styles: the action's button red, the way back grey (under
        # the console's a.button rule it looked like a second primary button).
        assert re.search(r'<body class="[^"]*\bdelete-confirmation\b', body)
        done = client.post(
            url, {"action": action, "_selected_action": pks, "confirmed": "yes"}, follow=True
        )
        assert done.status_code == 200 and not still_there()
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_agent_created_in_admin_goes_through_service_and_grants_reviewers(
    client, admin_user, org, reviewer
):
    client.force_login(admin_user)
    response = client.post(
        "/admin/governance/agent/add/",
        {
            "organisation": org.pk,
            "name": "ops-bot",
            "description": "",
            "risk_class": "high",
            "is_active": "on",
            "reviewers": [reviewer.pk],
        },
    )
    assert response.status_code == 302, response.content[:2000]
    agent = Agent.objects.get(name="ops-bot")
    assert reviewer.has_perm("governance.decide_approvals", agent)
    assert AuditLog.objects.filter(action="agent.created", object_id=str(agent.pk)).exists()
    duplicate = client.post(
        "/admin/governance/agent/add/",
        {"organisation": org.pk, "name": "ops-bot", "risk_class": "high"},
    )
    assert duplicate.status_code == 200 and b"already exists" in duplicate.content


def test_membership_invite_in_admin(client, admin_user, org):
    client.force_login(admin_user)
    response = client.post(
        "/admin/governance/membership/add/",
        {"organisation": org.pk, "email": "new@acme.test", "role": "reviewer"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user__email="new@acme.test").role == "reviewer"
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(
        "invitation with a link to choose a password is on its way to new@acme.test" in m
        for m in told
    ), told
    owner_try = client.post(
        "/admin/governance/membership/add/",
        {"organisation": org.pk, "email": "boss@acme.test", "role": "owner"},
    )
    assert owner_try.status_code == 200 and b"owner" in owner_try.content
    assert not Membership.objects.filter(user__email="boss@acme.test").exists()


def test_only_owners_are_offered_the_owner_role(client, admin_user, owner, org):
    # Session 16's tryout: an admin was offered "Owner" in the invite form, then told only an
    # owner may grant it.
    def offered(user, url):
        client.force_login(user)
        html = client.get(url).content.decode()
        select = re.search(r'<select name="role".*?</select>', html, re.S).group(0)
        return set(re.findall(r'<option value="([a-z_]+)"', select))

    add = "/admin/governance/membership/add/"
    assert "owner" not in offered(admin_user, add) and "admin" in offered(admin_user, add)
    assert "owner" in offered(owner, add)
    # An owner's membership, shown to an admin, still says "owner".
    owners = Membership.objects.get(user=owner, organisation=org)
    assert "owner" in offered(admin_user, f"/admin/governance/membership/{owners.pk}/change/")


def test_audit_log_is_read_only_in_admin(client, owner, org):
    row = services.audit_log_write(
        organisation=org, actor=owner, action=AuditAction.ORGANISATION_UPDATED
    )
    client.force_login(owner)
    page = client.get(f"/admin/governance/auditlog/{row.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.get("/admin/governance/auditlog/add/").status_code == 403


def test_the_audit_log_reads_as_words_and_filters_only_its_organisations_rows(
    client, compliance_officer, org, other_org, owner
):
    """The list and its filters showed "dsr.in_progress" and "governance.datasubjectrequest";
    they read "Data-subject request received" and the model's name now, and the filters offer
    only what the member's organisation has."""
    from governance.models import DataSubjectRequest

    gov_request = services.data_subject_request_create(
        organisation=org, kind="access", actor=owner,
        identifiers=[{"type": "email", "value": "ann@x.com"}],
    )  # fmt: skip
    services.audit_log_write(
        organisation=other_org, actor=None, action=AuditAction.POLICY_DELETED, object_repr="x"
    )
    client.force_login(compliance_officer)
    page = client.get("/admin/governance/auditlog/").content.decode()
    received = AuditAction.DSR_RECEIVED.label
    kind = DataSubjectRequest._meta.verbose_name
    assert f'<td class="field-what">{received}</td>' in page
    assert f'<td class="field-object_kind">{kind[0].upper() + kind[1:]}</td>' in page
    assert ">governance.datasubjectrequest<" not in page and ">dsr.received<" not in page
    assert AuditAction.POLICY_DELETED.label not in page  # another organisation's row
    filtered = client.get(
        "/admin/governance/auditlog/", {"object_type": "governance.datasubjectrequest"}
    ).content.decode()
    assert gov_request.subject in filtered and AuditAction.DSR_RECEIVED.label in filtered
    narrowed = client.get("/admin/governance/auditlog/", {"action": "dsr.received"})
    assert narrowed.status_code == 200 and received in narrowed.content.decode()


def test_dsr_register_shows_deadlines_to_compliance_officers_only(
    client, compliance_officer, developer, owner, org
):
    from datetime import timedelta

    from django.utils import timezone

    services.data_subject_request_create(
        organisation=org,
        kind="erasure",
        subject="jane@example.com",
        actor=owner,
        received_at=timezone.now() - timedelta(days=45),
    )
    client.force_login(compliance_officer)
    page = client.get("/admin/governance/datasubjectrequest/")
    assert page.status_code == 200
    assert b"jane@example.com" in page.content and b"overdue" in page.content
    overdue = client.get("/admin/governance/datasubjectrequest/?deadline=overdue")
    assert b"jane@example.com" in overdue.content
    client.force_login(developer)
    assert client.get("/admin/governance/datasubjectrequest/").status_code == 403


def test_agent_can_be_edited_in_admin(client, owner, org, agent, reviewer):
    client.force_login(owner)
    page = client.get(f"/admin/governance/agent/{agent.pk}/change/")
    assert page.status_code == 200
    response = client.post(
        f"/admin/governance/agent/{agent.pk}/change/",
        {
            "name": "billing-bot-2",
            "description": "d",
            "risk_class": "high",
            "reviewers": [reviewer.pk],
        },
    )
    assert response.status_code == 302, response.content[:2000]
    agent.refresh_from_db()
    assert agent.name == "billing-bot-2" and agent.risk_class == "high" and not agent.is_active
    assert reviewer.has_perm("governance.decide_approvals", agent)


def test_a_refused_step_rolls_back_the_whole_admin_change(client, developer, org, reviewer):
    """A developer may create agents but not grant reviewers: nothing of the form is kept."""
    client.force_login(developer)
    response = client.post(
        "/admin/governance/agent/add/",
        {
            "organisation": org.pk,
            "name": "half-bot",
            "risk_class": "minimal",
            "reviewers": [reviewer.pk],
        },
    )
    assert response.status_code == 200 and b"errornote" in response.content
    assert not Agent.objects.filter(name="half-bot").exists()
    assert not AuditLog.objects.filter(action="agent.created").exists()


def test_webhook_secret_is_never_shown(client, owner, compliance_officer, org):
    services.organisation_update(organisation=org, actor=owner, webhook_secret="hush-hush-secret")
    for user in (owner, compliance_officer):
        client.force_login(user)
        page = client.get(f"/admin/governance/organisation/{org.pk}/change/")
        assert page.status_code == 200 and b"hush-hush-secret" not in page.content


def test_owner_cannot_change_the_plan_in_admin(client, owner, org):
    client.force_login(owner)
    page = client.get(f"/admin/governance/organisation/{org.pk}/change/")
    assert b'name="plan"' not in page.content


def test_forged_forwarded_for_is_not_audited(client, owner, org, settings):
    client.force_login(owner)
    client.post(
        "/admin/governance/agent/add/",
        {"organisation": org.pk, "name": "ip-bot", "risk_class": "minimal"},
        HTTP_X_FORWARDED_FOR="zzz, 6.6.6.6",
        REMOTE_ADDR="10.1.2.3",
    )
    assert AuditLog.objects.get(action="agent.created").ip == "10.1.2.3"
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        "/admin/governance/agent/add/",
        {"organisation": org.pk, "name": "ip-bot-2", "risk_class": "minimal"},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
        REMOTE_ADDR="10.1.2.3",
    )
    assert (
        AuditLog.objects.filter(action="agent.created").order_by("-id").first().ip == "203.0.113.9"
    )


def test_owner_sets_the_ai_act_role_and_retention_purpose_in_the_admin(client, owner, org):
    """The settings compliance reports read (issue 18) are editable, validated and audited."""
    client.force_login(owner)
    url = f"/admin/governance/organisation/{org.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="ai_act_role"' in page and 'name="retention_purpose"' in page
    form = {
        "name": org.name,
        "slug": org.slug,
        "currency": "USD",
        "allow_agent_autocreate": "on",
        "ai_act_role": "nonsense",
        "retention_purpose": "Incident investigation for 90 days.",
    }
    assert "Select a valid choice" in client.post(url, form).content.decode()
    response = client.post(url, {**form, "ai_act_role": "deployer"})
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.ai_act_role == "deployer"
    assert org.retention_purpose == "Incident investigation for 90 days."
    row = AuditLog.objects.filter(action=AuditAction.ORGANISATION_UPDATED).latest("id")
    assert row.after["ai_act_role"] == "deployer" and row.before["ai_act_role"] == ""


def test_a_refused_removal_names_the_member_as_written(client, admin_user, owner, org):
    client.force_login(admin_user)
    membership = Membership.objects.get(organisation=org, user=owner)
    page = client.post(
        "/admin/governance/membership/",
        {"action": "remove_members", "_selected_action": [membership.pk], "confirmed": "yes"},
        follow=True,
    )
    body = page.content.decode()
    assert "Could not remove alice@acme.test: Only an owner may" in body
    assert "Alice@acme.test" not in body
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize(
    "path",
    ["/admin/governance/apikey/", "/admin/governance/membership/", "/admin/policies/policy/"],
)
def test_the_organisation_column_is_shown_to_members_of_several_only(
    client, owner, org, other_org, path
):
    """The same name on every row tells a member of one organisation nothing and pushed a
    list's last columns (a key's status) out of sight; a member of two sees whose row is
    whose."""
    from governance.roles import Role
    from policies.services import policy_create
    from tests.factories import MembershipFactory

    services.api_key_create(organisation=org, name="k", actor=None, scopes=["read"])
    policy_create(organisation=org, actor=None, name="p", type="pii_access",
                  threshold={"denied_pii_types": ["ssn"]})  # fmt: skip
    client.force_login(owner)
    page = client.get(path).content.decode()
    assert "column-organisation" not in page and re.search(r'class="[^"]*\bcolumn-', page)
    MembershipFactory(user=owner, organisation=other_org, role=Role.OWNER)
    assert "column-organisation" in client.get(path).content.decode()
