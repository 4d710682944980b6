"""Health, whoami, agents, the OpenAPI schema, throttling and the error shape."""

import json

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker_without_auth(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


def test_health_reports_a_dead_redis_broker(client):
    from django_q import conf

    # Point django-q2 at a Redis port where nothing listens.
    old = conf.Conf.REDIS, conf.Conf.ORM
    conf.Conf.REDIS, conf.Conf.ORM = "redis://127.0.0.1:1/0", None
    try:
        response = client.get("/api/v1/health")
    finally:
        conf.Conf.REDIS, conf.Conf.ORM = old
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


@pytest.mark.sqlite_pass_only
def test_health_is_degraded_on_a_database_that_was_never_migrated(tmp_path):
    # A fresh database answers SELECT 1, but every request that reads a table would fail: an
    # operator who skipped `manage.py migrate` must not be told "ok" (docs/operations.md).
    import os
    import subprocess
    import sys

    from tests.subprocess_env import ROOT

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SQLITE_PATH": str(tmp_path / "new.db"),
    }
    script = (
        "import json, django; django.setup(); from django.test import Client; "
        "r = Client(HTTP_HOST='localhost').get('/api/v1/health'); print(r.status_code, json.dumps(r.json()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    status, body = done.stdout.strip().splitlines()[-1].split(" ", 1)
    database = json.loads(body)["database"]
    assert status == "503" and database["ok"] is False, body
    assert "migrations not applied (run manage.py migrate)" in database["info"], body


def test_whoami_for_an_unbound_key(api_client):
    body = api_client.get("/api/v1/whoami").json()
    assert body["organisation"] == "acme" and body["agent"] is None


def test_agents_lists_only_own_organisation(org, other_org, agent, other_agent, api_client_for):
    from tests.factories import AgentFactory

    AgentFactory(organisation=other_org, name="secret-agent")
    names = [
        a["name"] for a in api_client_for(org, ["read"]).get("/api/v1/agents").json()["agents"]
    ]
    assert names == ["billing-bot"]


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/whoami" in schema.content
    assert client.get("/api/v1/docs/").status_code == 200


def test_unknown_api_path_is_json_404(api_client):
    response = api_client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"errors": {"detail": ["Not found."]}}


def test_throttle_returns_429_with_retry_after(org, api_client_for):
    client = api_client_for(org, ["read"])
    rates = {"burst": "3/minute", "sustained": "1000/hour"}
    with override_settings(REST_FRAMEWORK={**_rest_framework(), "DEFAULT_THROTTLE_RATES": rates}):
        from django.core.cache import cache

        cache.clear()
        statuses = [client.get("/api/v1/whoami").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        throttled = client.get("/api/v1/whoami")
        assert throttled.status_code == 429
        assert int(throttled["Retry-After"]) > 0
        assert "detail" in throttled.json()["errors"]


def test_throttle_is_per_key(org, api_client_for):
    first, second = api_client_for(org, ["read"]), api_client_for(org, ["read"])
    rates = {"burst": "2/minute", "sustained": "1000/hour"}
    with override_settings(REST_FRAMEWORK={**_rest_framework(), "DEFAULT_THROTTLE_RATES": rates}):
        from django.core.cache import cache

        cache.clear()
        assert [first.get("/api/v1/whoami").status_code for _ in range(3)] == [200, 200, 429]
        assert second.get("/api/v1/whoami").status_code == 200


def _rest_framework():
    from django.conf import settings

    return dict(settings.REST_FRAMEWORK)


def test_throttle_window_slides_across_the_minute(org, api_client_for, monkeypatch):
    """Ten requests at the end of one minute still count early in the next (a fixed window
    would let ten more through at once), and stop counting as the window slides past them."""
    from governance.throttling import BurstRateThrottle

    client = api_client_for(org, ["read"])
    clock = {"now": 6_000_000 * 60 + 59.5}  # half a second before a minute boundary
    monkeypatch.setattr(BurstRateThrottle, "timer", staticmethod(lambda: clock["now"]))
    rates = {"burst": "10/minute", "sustained": "1000/hour"}
    with override_settings(REST_FRAMEWORK={**_rest_framework(), "DEFAULT_THROTTLE_RATES": rates}):
        from django.core.cache import cache

        cache.clear()
        assert {client.get("/api/v1/whoami").status_code for _ in range(10)} == {200}
        clock["now"] += 1  # the next minute has begun: the last one still weighs ~98 %
        refused = client.get("/api/v1/whoami")
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 60
        clock["now"] += 45  # three quarters of the way through: the old ten weigh 2.4
        assert client.get("/api/v1/whoami").status_code == 200
