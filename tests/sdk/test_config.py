"""Bad configuration fails at construction with a message naming the setting."""

from __future__ import annotations

import pytest
from execlave import ConfigurationError, Execlave


def build(**kwargs):
    kwargs.setdefault("environ", {})
    kwargs.setdefault("spool_path", False)
    return Execlave(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agent": "bot"}, "api_key is required"),
        ({"api_key": "  ", "agent": "bot"}, "api_key is required"),
        ({"api_key": "exk key", "agent": "bot"}, "whitespace"),
        ({"api_key": "k"}, "agent is required"),
        (
            {"api_key": "k", "agent": "bot", "base_url": "ftp://x"},
            r"base_url must be an http\(s\) URL",
        ),
        (
            {"api_key": "k", "agent": "bot", "base_url": "localhost:8000"},
            r"base_url must be an http\(s\) URL",
        ),
        ({"api_key": "k", "agent": "bot", "base_url": "http://h:99999"}, "invalid port"),
        (
            {"api_key": "k", "agent": "bot", "fail_mode": "sometimes"},
            "fail_mode must be 'open' or 'closed'",
        ),
        ({"api_key": "k", "agent": "bot", "timeout": 0}, "timeout must be greater than 0"),
        ({"api_key": "k", "agent": "bot", "timeout": "fast"}, "timeout must be a number"),
        (
            {"api_key": "k", "agent": "bot", "batch_size": 5000},
            "batch_size must be between 1 and 1000",
        ),
        ({"api_key": "k", "agent": "bot", "spool_full_policy": "panic"}, "spool_full_policy"),
        ({"api_key": "k", "agent": "bot", "spool_max_bytes": 10}, "spool_max_bytes"),
    ],
)
def test_bad_arguments_fail_at_construction(kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        build(**kwargs)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EXECLAVE_AGENT": "bot"}, "EXECLAVE_API_KEY"),
        (
            {"EXECLAVE_API_KEY": "k", "EXECLAVE_AGENT": "bot", "EXECLAVE_TIMEOUT": "soon"},
            "EXECLAVE_TIMEOUT must be a number",
        ),
        (
            {"EXECLAVE_API_KEY": "k", "EXECLAVE_AGENT": "bot", "EXECLAVE_BATCH_SIZE": "1.5"},
            "EXECLAVE_BATCH_SIZE must be an integer",
        ),
        (
            {"EXECLAVE_API_KEY": "k", "EXECLAVE_AGENT": "bot", "EXECLAVE_FAIL_MODE": "maybe"},
            "fail_mode",
        ),
    ],
)
def test_bad_environment_fails_at_construction(environ, message):
    with pytest.raises(ConfigurationError, match=message):
        Execlave(environ=environ, spool_path=False)


def test_settings_come_from_the_environment_and_arguments_win(tmp_path):
    environ = {
        "EXECLAVE_API_KEY": "exk_env",
        "EXECLAVE_AGENT": "env-bot",
        "EXECLAVE_BASE_URL": "https://execlave.example.com/",
        "EXECLAVE_FAIL_MODE": "CLOSED",
        "EXECLAVE_TIMEOUT": "1.5",
        "EXECLAVE_SPOOL_PATH": str(tmp_path / "s.sqlite3"),
    }
    client = Execlave(environ=environ, agent="arg-bot")
    try:
        s = client.settings
        assert (s.api_key, s.agent, s.base_url, s.fail_mode, s.timeout) == (
            "exk_env",
            "arg-bot",
            "https://execlave.example.com",
            "closed",
            1.5,
        )
        assert client.spool_path == tmp_path / "s.sqlite3"
        assert (tmp_path / "s.sqlite3").exists()
    finally:
        client.close()


def test_unwritable_spool_path_fails_at_construction(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ConfigurationError, match="spool_path"):
        build(api_key="k", agent="bot", spool_path=blocker / "spool.sqlite3")


def test_bad_tool_names_fail_when_decorating():
    client = build(api_key="k", agent="bot")
    try:
        with pytest.raises(ConfigurationError, match="tool name"):
            client.tool("drop table")
        with pytest.raises(ConfigurationError, match="generator"):

            @client.tool("files.list")
            def gen():
                yield 1
    finally:
        client.close()
