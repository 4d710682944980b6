"""Commands ``live_control.py`` runs inside the live server's database (see there)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection

from governance import services
from governance.models import Agent, Organisation


def setup(*, slug: str, agent: str) -> dict:
    """An organisation with an owner, a reviewer, an agent and its keys (plaintexts returned)."""
    User = get_user_model()
    owner = User.objects.create_user(username=f"owner@{slug}.test", password="pw-owner-1")
    reviewer = User.objects.create_user(username=f"reviewer@{slug}.test", password="pw-reviewer-1")
    org = services.organisation_create(name=slug.title(), slug=slug, owner=owner, actor=None)
    services.membership_add(organisation=org, user=reviewer, role="reviewer", actor=owner)
    bot = services.agent_create(organisation=org, name=agent, actor=owner)
    _, sdk_key = services.api_key_create(
        organisation=org, name="sdk", actor=owner, scopes=["check", "ingest", "read"], agent=bot
    )
    _, policy_key = services.api_key_create(organisation=org, name="policy-as-code", actor=owner, scopes=["policies"])
    return {"sdk_key": sdk_key, "policy_key": policy_key, "organisation_id": org.id, "agent_id": bot.id}


def sql(*, query: str, params: list | None = None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(query, params or [])
        return [list(row) for row in cursor.fetchall()] if cursor.description else []


def ping() -> str:
    return f"{Organisation.objects.count()} organisations, {Agent.objects.count()} agents"
