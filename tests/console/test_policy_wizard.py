"""The policy wizard (/policies/new/, /policies/<id>/edit/): every type created from its
generated form, field errors on the wrong field, roles and tenancy, and the edit diff."""

from __future__ import annotations

import html

import pytest

from governance.models import AuditLog, Organisation
from policies.evaluators import POLICY_TYPES
from policies.models import Policy
from traces.models import LedgerEntry

pytestmark = pytest.mark.django_db

# Valid settings per type, as a person fills the generated form (prefix "s-").
VALID = {
    "cost_limit": {"s-max_cost_per_call": "0.50"},
    "record_count_limit": {
        "s-max_records": "100",
        "s-input_field": "limit",
        "s-sql_field": "query",
    },
    "pii_access": {"s-denied_pii_types": ["ssn", "credit_card"], "s-scan": "both"},
    "prompt_injection": {"s-sensitivity": "high", "s-scan": "both"},
    "action_approval": {"s-restricted_actions": "file.delete, payments.refund"},
    "external_api": {
        "s-allowed_domains": "api.example.com",
        "s-allowed_methods": ["GET"],
        "s-method_field": "method",
    },
    "data_restriction": {"s-restricted_words": "confidential, secret", "s-scan": "both"},
    "access_control": {
        "s-rules-0-_row": "1",
        "s-rules-0-agents": "*",
        "s-rules-0-tools": "database.*",
        "s-rules-0-effect": "allow",
        "s-default": "deny",
        "s-timezone": "UTC",
    },
    "budget_cap": {
        "s-amount": "500",
        "s-period": "month",
        "s-scope": "organisation",
        "s-default_estimate": "0",
        "s-timezone": "UTC",
    },
    "quality_threshold": {
        "s-min_score": "0.7",
        "s-score_field": "quality_score",
        "s-missing": "ignore",
    },
    "output_classification": {"s-max_level": "internal"},
    "custom": {
        "s-rule": "Never e-mail customer data outside example.com.",
        "s-fail_mode": "closed",
        "s-scan": "both",
    },
}
# An invalid value per type, and the field its error must be shown on.
INVALID = {
    "cost_limit": ({"s-max_cost_per_call": "-3"}, "max_cost_per_call"),
    "record_count_limit": ({"s-max_records": "0"}, "max_records"),
    "pii_access": ({"s-denied_pii_types": []}, "denied_pii_types"),
    "prompt_injection": ({"s-sensitivity": "extreme"}, "sensitivity"),
    "action_approval": ({"s-restricted_actions": ""}, "restricted_actions"),
    "external_api": ({"s-allowed_domains": "not a domain!"}, "allowed_domains"),
    "data_restriction": ({"s-restricted_patterns": "(unclosed"}, "restricted_patterns"),
    "access_control": ({"s-rules-0-effect": "maybe"}, "effect"),
    "budget_cap": ({"s-amount": "lots"}, "amount"),
    "quality_threshold": ({"s-min_score": ""}, "min_score"),
    "output_classification": ({"s-max_level": "secret"}, "max_level"),
    "custom": ({"s-rule": "   "}, "rule"),
}


def _post(policy_type, settings, **extra):
    data = {"name": f"{policy_type} policy", "type": policy_type, "mode": "block", **settings}
    data.update(extra)
    return data


def test_every_type_is_offered_and_covered():
    assert set(VALID) == set(POLICY_TYPES) == set(INVALID)


@pytest.mark.parametrize("policy_type", sorted(POLICY_TYPES))
def test_wizard_creates_every_type(client, org, compliance_officer, policy_type):
    client.force_login(compliance_officer)
    page = client.get(f"/policies/new/?type={policy_type}")
    assert page.status_code == 200
    assert html.escape(POLICY_TYPES[policy_type].summary) in page.content.decode()
    version = Organisation.objects.get(pk=org.pk).policy_version
    response = client.post("/policies/new/", _post(policy_type, VALID[policy_type], enabled="on"))
    assert response.status_code == 302, response.content.decode()[:3000]
    policy = Policy.objects.get(organisation=org, name=f"{policy_type} policy")
    assert policy.type == policy_type and policy.enabled
    assert response["Location"] == f"/policies/{policy.pk}/edit/"
    assert Organisation.objects.get(pk=org.pk).policy_version == version + 1
    assert AuditLog.objects.filter(organisation=org, action="policy.created").exists()


def test_a_policy_created_off_says_it_checks_nothing_yet(client, org, compliance_officer):
    """Enabled starts unticked (test and dry-run first); a policy saved that way must not be
    announced as if it now governed the agents."""
    client.force_login(compliance_officer)
    assert "checks no call until it is enabled" in client.get("/policies/new/").content.decode()
    response = client.post("/policies/new/", _post("cost_limit", VALID["cost_limit"]), follow=True)
    policy = Policy.objects.get(organisation=org, name="cost_limit policy")
    assert policy.enabled is False
    page = html.unescape(response.content.decode())
    assert "created, not enabled: it checks no call until you tick Enabled and save." in page
    response = client.post(
        "/policies/new/", _post("pii_access", VALID["pii_access"], enabled="on"), follow=True
    )
    assert "“pii_access policy” created." in html.unescape(response.content.decode())


def test_the_plain_english_card_does_not_promise_a_language_model(client, org, compliance_officer):
    """With no endpoint set up (the default) a built-in offline judge decides: the type card
    must say so rather than promise a language model the server does not have."""
    client.force_login(compliance_officer)
    page = html.unescape(client.get("/policies/new/").content.decode())
    assert "a language model judges each call" not in page
    assert "or, until one is, by Execlave's built-in offline judge" in page


@pytest.mark.parametrize("policy_type", sorted(POLICY_TYPES))
def test_wizard_shows_field_errors_on_the_field(client, org, compliance_officer, policy_type):
    client.force_login(compliance_officer)
    bad, field = INVALID[policy_type]
    response = client.post("/policies/new/", _post(policy_type, {**VALID[policy_type], **bad}))
    assert response.status_code == 400
    page = response.content.decode()
    block = page.split(f'data-field="{field}"', 1)[1].split('class="wizard-field', 1)[0]
    assert 'class="errorlist"' in block, (field, block[:800])
    assert not Policy.objects.filter(organisation=org).exists()


def test_pii_checkboxes_and_inline_validation(client, org, compliance_officer):
    client.force_login(compliance_officer)
    fragment = client.get("/policies/new/settings/?type=pii_access")
    text = fragment.content.decode()
    assert fragment.status_code == 200 and 'type="checkbox"' in text
    assert "US social security number" in text
    checked = client.post("/policies/new/settings/", {"type": "pii_access", "s-scan": "both"})
    assert "errorlist" in checked.content.decode()
    fine = client.post(
        "/policies/new/settings/",
        {"type": "pii_access", "s-denied_pii_types": ["ssn"], "s-scan": "both"},
    )
    assert "errorlist" not in fine.content.decode()
    assert client.get("/policies/new/settings/?type=nope").status_code == 400


def test_tool_suggestions_come_from_the_ledger(client, org, other_org, compliance_officer):
    from datetime import timedelta

    from django.utils import timezone

    from governance.models import Agent
    from tests.console.ledgers import generate

    now = timezone.now()
    generate(
        organisation=org,
        agents=[Agent.objects.create(organisation=org, name="a1")],
        calls=3,
        start=now - timedelta(hours=1),
        span=timedelta(minutes=5),
        policies=[],
    )
    assert LedgerEntry.objects.filter(organisation=org, tool="database.query").exists()
    client.force_login(compliance_officer)
    page = client.get("/policies/new/").content.decode()
    assert '<option value="database.query">' in page
    # another organisation's tools are not suggested
    other = Agent.objects.create(organisation=other_org, name="b1")
    generate(
        organisation=other_org, agents=[other], calls=1, start=now, span=timedelta(1), policies=[]
    )


@pytest.mark.parametrize("role", ["reviewer", "developer"])
def test_roles_without_policies_manage_get_404(client, org, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/policies/new/").status_code == 404
    assert (
        client.post("/policies/new/", _post("pii_access", VALID["pii_access"])).status_code == 404
    )
    assert client.get("/policies/new/settings/?type=pii_access").status_code == 404
    assert not Policy.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/policies/new/")
    assert response.status_code == 302 and "login" in response["Location"]


def _make(client, user, org, name="PII"):
    client.force_login(user)
    client.post("/policies/new/", _post("pii_access", VALID["pii_access"], name=name))
    return Policy.objects.get(organisation=org, name=name)


def test_other_organisation_gets_404(client, org, compliance_officer, outsider):
    policy = _make(client, compliance_officer, org)
    client.force_login(outsider)
    assert client.get(f"/policies/{policy.pk}/edit/").status_code == 404
    data = _post("pii_access", VALID["pii_access"], name="stolen", confirm="1")
    assert client.post(f"/policies/{policy.pk}/edit/", data).status_code == 404
    policy.refresh_from_db()
    assert policy.name == "PII"


def test_edit_shows_the_diff_then_saves(client, org, compliance_officer):
    policy = _make(client, compliance_officer, org)
    page = client.get(f"/policies/{policy.pk}/edit/").content.decode()
    assert 'value="ssn"' in page and "checked" in page.split('value="ssn"', 1)[1][:40]
    changed = _post(
        "pii_access",
        {"s-denied_pii_types": ["ssn", "email"], "s-scan": "input"},
        name="PII",
        mode="warn",
    )
    review = client.post(f"/policies/{policy.pk}/edit/", changed)
    text = review.content.decode()
    assert review.status_code == 200 and "Review what changes" in text
    assert "settings: denied_pii_types" in text and "settings: scan" in text and ">mode<" in text
    policy.refresh_from_db()
    assert policy.mode == "block" and policy.version == 1  # nothing saved before confirming
    saved = client.post(f"/policies/{policy.pk}/edit/", {**changed, "confirm": "1"})
    assert saved.status_code == 302
    policy.refresh_from_db()
    assert policy.mode == "warn" and policy.threshold["denied_pii_types"] == ["ssn", "email"]
    assert policy.version == 2
    assert AuditLog.objects.filter(organisation=org, action="policy.updated").exists()


def test_navigation_and_admin_link_to_the_wizard(client, org, compliance_officer):
    client.force_login(compliance_officer)
    assert 'href="/policies/new/"' in client.get("/dashboard/").content.decode()
    assert "/policies/new/" in client.get("/admin/policies/policy/").content.decode()


def test_in_page_test_uses_the_check_decision(client, org, compliance_officer):
    client.force_login(compliance_officer)
    draft = _post("pii_access", VALID["pii_access"], name="")
    ssn = {"sample_tool": "email.send", "sample_input": '{"body": "SSN 123-45-6789"}'}
    blocked = client.post("/policies/new/test/", {**draft, **ssn}).content.decode()
    assert 'data-decision="block"' in blocked and "ssn" in blocked.lower()
    clean = {"sample_tool": "email.send", "sample_input": '{"body": "hello"}'}
    allowed = client.post("/policies/new/test/", {**draft, **clean}).content.decode()
    assert 'data-decision="allow"' in allowed
    warn = client.post("/policies/new/test/", {**draft, **ssn, "mode": "warn"}).content.decode()
    assert 'data-decision="warn"' in warn
    bad = client.post("/policies/new/test/", {**draft, **ssn, "sample_input": "{"}).content.decode()
    assert "not valid JSON" in bad
    invalid = {**draft, **ssn, "s-denied_pii_types": []}
    assert "Fix the settings" in client.post("/policies/new/test/", invalid).content.decode()
    assert not Policy.objects.exists()


def test_in_page_dry_run_counts_history(client, org, compliance_officer):
    from datetime import timedelta

    from django.utils import timezone

    from governance.models import Agent
    from tests.console.ledgers import generate

    agent = Agent.objects.create(organisation=org, name="a1")
    generate(
        organisation=org,
        agents=[agent],
        calls=20,
        start=timezone.now() - timedelta(hours=2),
        span=timedelta(hours=1),
        policies=[],
    )
    client.force_login(compliance_officer)
    # the generated inputs are {"sql": "select N"}: restricting the word "select" blocks each
    draft = _post("data_restriction", {"s-restricted_words": "select", "s-scan": "input"}, name="")
    html_text = client.post(
        "/policies/new/dry-run/", {**draft, "dry_run_days": "7"}
    ).content.decode()
    decisions = LedgerEntry.objects.filter(organisation=org, kind="decision").count()
    assert f"blocked {decisions}</strong>" in html_text, html_text[:2000]
    none = _post("data_restriction", {"s-restricted_words": "nothing-like-it", "s-scan": "input"})
    assert "blocked 0</strong>" in client.post("/policies/new/dry-run/", none).content.decode()
    bad = client.post("/policies/new/dry-run/", {**draft, "dry_run_days": "0"}).content.decode()
    assert "Days:" in bad


def test_test_and_dry_run_are_404_for_other_roles(client, org, reviewer):
    client.force_login(reviewer)
    draft = _post("pii_access", VALID["pii_access"])
    assert client.post("/policies/new/test/", draft).status_code == 404
    assert client.post("/policies/new/dry-run/", draft).status_code == 404


def test_edit_dry_run_compares_with_the_current_version(client, org, compliance_officer):
    from datetime import timedelta

    from django.utils import timezone

    from governance.models import Agent
    from tests.console.ledgers import generate

    agent = Agent.objects.create(organisation=org, name="a1")
    generate(
        organisation=org,
        agents=[agent],
        calls=10,
        start=timezone.now() - timedelta(hours=2),
        span=timedelta(hours=1),
        policies=[],
    )
    client.force_login(compliance_officer)
    current = {"s-restricted_words": "nothing-like-it", "s-scan": "input"}
    client.post("/policies/new/", _post("data_restriction", current, name="Words"))
    policy = Policy.objects.get(organisation=org, name="Words")
    edited = _post(
        "data_restriction", {"s-restricted_words": "select", "s-scan": "input"}, name="Words"
    )
    text = client.post(
        "/policies/new/dry-run/", {**edited, "policy_id": policy.pk}
    ).content.decode()
    decisions = LedgerEntry.objects.filter(organisation=org, kind="decision").count()
    assert 'class="diff-summary"' in text and f"newly block {decisions}" in text, text[:1500]
