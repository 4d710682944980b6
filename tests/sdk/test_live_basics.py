"""The SDK against the live Execlave server: transport and authentication."""

from __future__ import annotations

import pytest
from execlave import AuthenticationError


def test_live_server_knows_the_sdk_key(live):
    status, body = live.api("GET", "/api/v1/whoami", key=live.keys["sdk_key"])
    assert status == 200
    assert body["agent"] == "billing-bot"
    assert set(body["scopes"]) == {"check", "ingest", "read"}


def test_a_wrong_key_is_refused_whatever_the_fail_mode(live, make_client):
    live.require("POST", "/api/v1/check")
    client = make_client(api_key="exk_live_notakey000000000000", base_url=live.base_url)
    with pytest.raises(AuthenticationError) as refused:
        client.check("database.query", {"sql": "select 1"})
    # The server's message, not its JSON envelope, and where the key comes from.
    assert str(refused.value) == (
        "Execlave refused the API key for check (401): Malformed API key."
        " (check EXECLAVE_API_KEY or api_key=)"
    )
