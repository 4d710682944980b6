from __future__ import annotations

import pytest

from tests.policies.llm_server import FakeLLM


@pytest.fixture
def llm_server():
    server = FakeLLM().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    from policies.decision import agent_cache_clear
    from policies.selectors import active_policies_clear

    active_policies_clear()
    agent_cache_clear()
    yield
    active_policies_clear()
    agent_cache_clear()
