"""Two deployments sharing one Redis keep apart by their name (`Q_CLUSTER_NAME`), as
docs/operations.md tells operators: the task queue and the cache, whose throttle counters are
keyed by API-key ids that both deployments' databases number from 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
import redis

from tests.subprocess_env import ROOT

REDIS_URL = "redis://127.0.0.1:6379/0"

# The API-key throttle of a deployment's key #1, three requests at 2 an hour.
_THREE_REQUESTS = """
import json
from types import SimpleNamespace

import django

django.setup()
from django.conf import settings

from governance.models import ApiKey
from governance.throttling import SustainedRateThrottle

request = SimpleNamespace(auth=ApiKey(pk=1), META={"REMOTE_ADDR": "127.0.0.1"})
allowed = [SustainedRateThrottle().allow_request(request, None) for _ in range(3)]
print(json.dumps({"allowed": allowed, "queue": settings.Q_CLUSTER["name"]}))
"""


def _deployment(name: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "REDIS_URL": REDIS_URL,
        "Q_CLUSTER_NAME": name,
        "THROTTLE_SUSTAINED": "2/hour",
    }
    done = subprocess.run(
        [sys.executable, "-c", _THREE_REQUESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379 (.ci/run starts one)")
    names = [f"test-{uuid.uuid4().hex[:10]}" for _ in range(2)]
    yield names
    for name in names:
        for key in client.scan_iter(f"{name}:*"):
            client.delete(key)


def test_deployments_sharing_a_redis_count_their_own_requests(shared_redis):
    first, second = shared_redis
    assert _deployment(first) == {"allowed": [True, True, False], "queue": first}
    # The other deployment's key #1 starts from nothing: before session 25 every deployment's
    # cache keys began "execlave:", and its first request was refused (429) here.
    assert _deployment(second) == {"allowed": [True, True, False], "queue": second}
    keys = {k.decode() for k in redis.Redis.from_url(REDIS_URL).scan_iter("*throttle*key:1:*")}
    assert any(k.startswith(f"{first}:") for k in keys), keys
    assert any(k.startswith(f"{second}:") for k in keys), keys
