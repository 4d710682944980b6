"""Nested settings in the wizard without JSON: access-control rules and their time windows as
rows, classification markers as a group. Errors land on the exact row and input the typed
settings name (``rules[1].time_windows[1].start``); an edit posts back what it shows and stores
the same settings; rows are added and removed without JavaScript too."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from policies.evaluators import POLICY_TYPES
from policies.models import Policy
from policies.services import policy_create
from tests.console.forms_html import form_values

pytestmark = pytest.mark.django_db


def _rule(index, agents="*", tools="*", effect="allow", environments=""):
    p = f"s-rules-{index}"
    return {f"{p}-_row": "1", f"{p}-agents": agents, f"{p}-tools": tools,
            f"{p}-effect": effect, f"{p}-environments": environments}  # fmt: skip


def _window(rule, index, days=("mon",), start="09:00", end="17:00"):
    p = f"s-rules-{rule}-time_windows-{index}"
    return {f"{p}-_row": "1", f"{p}-days": list(days), f"{p}-start": start, f"{p}-end": end}


def _post(settings, **extra):
    return {"name": "Deploys", "type": "access_control", "mode": "block", "s-default": "deny",
            "s-timezone": "Europe/Paris", **settings, **extra}  # fmt: skip


def test_rules_and_time_windows_are_stored_from_rows(client, org, compliance_officer):
    client.force_login(compliance_officer)
    settings = {
        **_rule(0, agents="ops-*, release-bot", tools="deploy.*", environments="staging"),
        **_window(0, 0, days=("mon", "tue", "wed", "thu", "fri"), start="08:00", end=""),
        **_window(0, 3, days=("sat",), start="22:00", end="02:00"),  # a gap in the indices
        **_rule(5, tools="deploy.production", effect="deny"),
    }
    response = client.post("/policies/new/", _post(settings))
    assert response.status_code == 302, response.content.decode()[:3000]
    policy = Policy.objects.get(organisation=org, name="Deploys")
    assert policy.threshold["timezone"] == "Europe/Paris"
    assert policy.threshold["rules"] == [
        {
            "agents": ["ops-*", "release-bot"],
            "tools": ["deploy.*"],
            "effect": "allow",
            "environments": ["staging"],
            "time_windows": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "24:00"},
                {"days": ["sat"], "start": "22:00", "end": "02:00"},
            ],
        },
        {"agents": ["*"], "tools": ["deploy.production"], "effect": "deny", "environments": [],
         "time_windows": []},
    ]  # fmt: skip


def test_errors_land_on_the_exact_row_and_input(client, org, compliance_officer):
    client.force_login(compliance_officer)
    settings = {
        **_rule(0),
        **_rule(4, tools="db.*"),  # position 1: the typed settings call it rules[1]
        **_window(4, 0),
        **_window(4, 2, start="25:00"),  # rules[1].time_windows[1].start
        **_window(0, 0, days=()),  # no day ticked
        **_window(0, 1, start="10:00", end="10:00"),  # end == start
    }
    response = client.post("/policies/new/", _post(settings))
    assert response.status_code == 400
    page = response.content.decode()
    start_error = page.split('id="id_s-rules-4-time_windows-2-start_error"', 1)[1][:200]
    assert "must be a time between 00:00 and 24:00" in start_error
    assert 'aria-invalid="true"' in page.split('name="s-rules-4-time_windows-2-start"', 1)[1][:120]
    assert (
        "must differ from start"
        in page.split('id="id_s-rules-0-time_windows-1-end_error"')[1][:200]
    )
    assert "must not be empty" in page.split('id="id_s-rules-0-time_windows-0-days_error"')[1][:200]
    # the other rows and inputs carry no error
    for name in (
        "s-rules-4-time_windows-0-start",
        "s-rules-4-time_windows-2-end",
        "s-rules-4-tools",
    ):
        assert f'id="id_{name}_error"' not in page
    assert not Policy.objects.exists()


def test_a_list_level_error_is_shown_on_the_list(client, org, compliance_officer):
    client.force_login(compliance_officer)
    response = client.post("/policies/new/", _post({}))  # every rule removed
    assert response.status_code == 400
    page = response.content.decode()
    block = page.split('data-rows="s-rules"', 1)[1].split('data-row-list="s-rules"', 1)[0]
    assert "must be a non-empty list of rules" in block
    assert not Policy.objects.exists()


def test_a_forged_row_number_is_ignored_not_a_500(client, org, compliance_officer):
    client.force_login(compliance_officer)
    forged = {f"s-rules-{'9' * 5000}-_row": "1", "s-rules-_remove": "9" * 5000}
    body = urlencode(_post({**_rule(0), **forged}))
    response = client.post("/policies/new/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200  # drawn again (a row operation), nothing saved
    assert not Policy.objects.exists()


def test_inline_validation_marks_the_row(client, org, compliance_officer):
    client.force_login(compliance_officer)
    data = {"type": "access_control", **_rule(0, tools=" , "), "s-default": "deny"}
    text = client.post("/policies/new/settings/", data).content.decode()
    assert 'id="id_s-rules-0-tools_error"' in text and "must not be empty" in text
    fine = {"type": "access_control", **_rule(0), "s-default": "deny", "s-timezone": "UTC"}
    assert "errorlist" not in client.post("/policies/new/settings/", fine).content.decode()


def test_a_new_form_starts_with_one_rule_and_a_template(client, org, compliance_officer):
    client.force_login(compliance_officer)
    page = client.get("/policies/new/?type=access_control").content.decode()
    assert 'name="s-rules-0-agents"' in page and 'name="s-rules-1-agents"' not in page
    assert '<template data-row-template="s-rules">' in page
    assert 'name="s-rules-__n__-time_windows-__n__-start"' in page  # nested template
    assert "Written as JSON" not in page and 'name="s-rules"' not in page


def test_rows_are_added_and_removed_without_javascript(client, org, compliance_officer):
    client.force_login(compliance_officer)
    base = _post({**_rule(0, tools="deploy.*"), **_rule(1, tools="db.*")})
    added = client.post("/policies/new/", {**base, "s-rules-_add": "1", "name": ""})
    page = added.content.decode()
    assert added.status_code == 200 and 'name="s-rules-2-_row"' in page
    assert "errorlist" not in page  # an unfinished step is not an error yet
    assert "autofocus" in page.split('name="s-rules-2-agents"', 1)[1].split(">", 1)[0]
    assert 'value="Europe/Paris" selected' in page  # the rest of the page as posted
    assert 'value="deploy.*"' in page and 'value="db.*"' in page
    nested = client.post("/policies/new/", {**base, "s-rules-1-time_windows-_add": "1"})
    assert 'name="s-rules-1-time_windows-0-start"' in nested.content.decode()
    removed = client.post("/policies/new/", {**base, "s-rules-_remove": "0"}).content.decode()
    assert 'name="s-rules-0-_row"' not in removed and 'value="deploy.*"' not in removed
    assert 'value="db.*"' in removed
    assert not Policy.objects.exists()  # nothing is saved by adding or removing a row


def test_classification_markers_are_a_group_of_fields(client, org, compliance_officer):
    client.force_login(compliance_officer)
    data = {"name": "Falcon", "type": "output_classification", "mode": "block",
            "s-max_level": "internal", "s-extra_markers-confidential": "Project Falcon, Osprey"}  # fmt: skip
    assert client.post("/policies/new/", data).status_code == 302
    policy = Policy.objects.get(organisation=org, name="Falcon")
    assert policy.threshold["extra_markers"] == {"confidential": ["Project Falcon", "Osprey"]}
    bad = {**data, "name": "Bad", "s-extra_markers-restricted": "x" * 201}
    page = client.post("/policies/new/", bad).content.decode()
    error = page.split('id="id_s-extra_markers-restricted_error"', 1)[1][:200]
    assert "item 1: must be at most 200 characters" in error
    plain = {**data, "name": "Plain", "s-extra_markers-confidential": ""}
    assert client.post("/policies/new/", plain).status_code == 302
    assert "extra_markers" not in Policy.objects.get(name="Plain").threshold


NESTED = {
    "access_control": {
        "rules": [
            {
                "agents": ["ops-*"],
                "tools": ["deploy.*"],
                "environments": ["staging", "prod"],
                "time_windows": [
                    {"days": ["fri", "mon"], "start": "09:00", "end": "24:00"},
                    {"days": ["sun"], "start": "23:00", "end": "01:30"},
                ],
            },
            {"agents": ["*"], "tools": ["*.delete"], "effect": "deny"},
        ],
        "default": "allow",
        "timezone": "America/New_York",
        "approval_timeout": 600,
    },  # fmt: skip
    "output_classification": {
        "max_level": "internal",
        "extra_markers": {"confidential": ["Project Falcon"], "restricted": ["Ops vault"]},
    },
}


@pytest.mark.parametrize("policy_type", sorted(POLICY_TYPES))
def test_edit_round_trips_the_stored_settings(client, org, compliance_officer, policy_type):
    """The edit page posts back exactly the settings it was drawn from: nothing changes."""
    threshold = NESTED.get(policy_type, POLICY_TYPES[policy_type].example)
    policy = policy_create(organisation=org, actor=None, name="Stored", type=policy_type,
                           threshold=threshold)  # fmt: skip
    stored = policy.threshold
    client.force_login(compliance_officer)
    page = client.get(f"/policies/{policy.pk}/edit/").content.decode()
    values = form_values(page, "policy-wizard")
    review = client.post(f"/policies/{policy.pk}/edit/", values)
    text = review.content.decode()
    assert review.status_code == 200 and "Nothing changes." in text, text[:4000]
    saved = client.post(f"/policies/{policy.pk}/edit/", {**values, "confirm": "1"})
    assert saved.status_code == 302
    policy.refresh_from_db()
    assert policy.threshold == stored


def test_an_edited_rule_shows_in_the_diff(client, org, compliance_officer):
    policy = policy_create(organisation=org, actor=None, name="Stored", type="access_control",
                           threshold=NESTED["access_control"])  # fmt: skip
    client.force_login(compliance_officer)
    values = form_values(
        client.get(f"/policies/{policy.pk}/edit/").content.decode(), "policy-wizard"
    )
    values["s-rules-1-effect"] = ["allow"]
    text = client.post(f"/policies/{policy.pk}/edit/", values).content.decode()
    assert "settings: rules" in text and "&quot;effect&quot;: &quot;deny&quot;" in text
    client.post(f"/policies/{policy.pk}/edit/", {**values, "confirm": "1"})
    policy.refresh_from_db()
    assert [r["effect"] for r in policy.threshold["rules"]] == ["allow", "allow"]
    assert policy.threshold["rules"][0]["time_windows"][0]["days"] == ["fri", "mon"]


def test_in_page_test_decides_with_the_rows(client, org, compliance_officer):
    client.force_login(compliance_officer)
    draft = _post({**_rule(0), **_rule(1, tools="deploy.*", effect="deny")}, name="")
    sample = {"sample_agent": "ops-1", "sample_input": "{}"}
    blocked = client.post("/policies/new/test/", {**draft, **sample, "sample_tool": "deploy.web"})
    assert 'data-decision="block"' in blocked.content.decode()
    allowed = client.post("/policies/new/test/", {**draft, **sample, "sample_tool": "db.read"})
    assert 'data-decision="allow"' in allowed.content.decode()


def test_other_organisation_cannot_post_rows(client, org, outsider, compliance_officer):
    policy = policy_create(organisation=org, actor=None, name="Stored", type="access_control",
                           threshold=NESTED["access_control"])  # fmt: skip
    client.force_login(outsider)
    data = _post({**_rule(0), "s-rules-_add": "1"})
    assert client.post(f"/policies/{policy.pk}/edit/", data).status_code == 404
    assert client.get(f"/policies/{policy.pk}/edit/").status_code == 404
    policy.refresh_from_db()
    assert policy.threshold["rules"][1]["effect"] == "deny"
