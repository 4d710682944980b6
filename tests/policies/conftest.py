from __future__ import annotations

import pytest

from tests.policies.llm_server import FakeLLM


@pytest.fixture
def llm_server():
    server = FakeLLM().start()
    yield server
    server.stop()
