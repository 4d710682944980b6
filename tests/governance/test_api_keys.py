"""API key life cycle and the Bearer authentication class, through real HTTP (DRF client)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from governance import keys, services
from governance.models import ApiKey

pytestmark = pytest.mark.django_db


def _client(plaintext: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def test_only_the_hash_of_the_secret_is_stored(org, owner):
    api_key, plaintext = services.api_key_create(
        organisation=org, name="ci", actor=owner, scopes=["read"]
    )
    secret = keys.parse(plaintext).secret
    stored = ApiKey.objects.filter(pk=api_key.pk).values().get()
    assert all(secret not in str(value) for value in stored.values())
    assert stored["hashed_secret"] == keys.hash_secret(secret)
    assert plaintext.startswith("exk_live_") and api_key.prefix in plaintext


def test_valid_key_reaches_whoami(org, agent, make_key):
    response = _client(make_key(org, ["check", "read"], agent=agent)).get("/api/v1/whoami")
    assert response.status_code == 200
    assert response.json() == {
        "organisation": "acme",
        "organisation_name": "Acme",
        "agent": "billing-bot",
        "key": response.json()["key"],
        "scopes": ["check", "read"],
        "expires_at": None,
    }
    assert response.json()["key"].endswith("_…")


def test_last_used_is_recorded(org, make_key):
    plaintext = make_key(org)
    _client(plaintext).get("/api/v1/whoami")
    assert ApiKey.objects.get(prefix=keys.parse(plaintext).prefix).last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer exk_live_nope",
        "Token exk_live_abcdefgh_x",
        "Bearer exk_live_00000000_wrongsecret",
    ],
)
def test_missing_or_bad_key_is_401_with_error_shape(db, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/whoami")
    assert response.status_code == 401
    assert "detail" in response.json()["errors"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_secret_with_real_prefix_is_401(org, make_key):
    plaintext = make_key(org)
    parsed = keys.parse(plaintext)
    response = _client(f"exk_live_{parsed.prefix}_{'x' * len(parsed.secret)}").get("/api/v1/whoami")
    assert response.status_code == 401


def test_revoked_key_is_refused(org, owner):
    api_key, plaintext = services.api_key_create(
        organisation=org, name="k", actor=owner, scopes=["read"]
    )
    assert _client(plaintext).get("/api/v1/whoami").status_code == 200
    services.api_key_revoke(api_key=api_key, actor=owner)
    response = _client(plaintext).get("/api/v1/whoami")
    assert response.status_code == 401
    assert "revoked" in response.json()["errors"]["detail"][0]


def test_expired_key_is_refused(org, owner):
    api_key, plaintext = services.api_key_create(
        organisation=org,
        name="k",
        actor=owner,
        scopes=["read"],
        expires_at=timezone.now() + timedelta(hours=1),
    )
    ApiKey.objects.filter(pk=api_key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _client(plaintext).get("/api/v1/whoami")
    assert response.status_code == 401
    assert "expired" in response.json()["errors"]["detail"][0]


def test_missing_scope_is_403(org, make_key):
    response = _client(make_key(org, ["check"])).get("/api/v1/agents")
    assert response.status_code == 403
    assert "read" in response.json()["errors"]["detail"][0]
    assert _client(make_key(org, ["read"])).get("/api/v1/agents").status_code == 200


def test_key_creation_validates_input(org, owner):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.api_key_create(organisation=org, name="k", actor=owner, scopes=["admin"])
    assert "scopes" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.api_key_create(organisation=org, name=" ", actor=owner, scopes=["read"])
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.api_key_create(
            organisation=org,
            name="k",
            actor=owner,
            scopes=["read"],
            expires_at=timezone.now() - timedelta(days=1),
        )
    assert "expires_at" in exc.value.message_dict
    assert not ApiKey.objects.exists()


def test_key_cannot_be_bound_to_another_organisations_agent(org, owner, other_agent):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.api_key_create(
            organisation=org, name="k", actor=owner, scopes=["read"], agent=other_agent
        )
    assert "agent" in exc.value.message_dict


def test_lookup_loads_key_organisation_and_agent_in_one_query(
    org, owner, agent, django_assert_num_queries
):
    from governance.selectors import api_key_lookup

    bound, _ = services.api_key_create(
        organisation=org, name="bound", actor=owner, scopes=["check"], agent=agent
    )
    unbound, _ = services.api_key_create(
        organisation=org, name="free", actor=owner, scopes=["read"]
    )
    with django_assert_num_queries(1):
        found = api_key_lookup(prefix=bound.prefix)
        assert (found.organisation.slug, found.agent.name) == (org.slug, agent.name)
    expected = ApiKey.objects.get(pk=bound.pk)
    for field in ApiKey._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert found.organisation == org and found.organisation.policy_version == org.policy_version
    with django_assert_num_queries(1):
        free = api_key_lookup(prefix=unbound.prefix)
        assert free.agent is None and free.scopes == ["read"]
    assert api_key_lookup(prefix="nosuchkey") is None
