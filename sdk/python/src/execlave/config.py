"""Client settings: explicit arguments first, then ``EXECLAVE_*`` variables, then defaults.

Every value is validated when the client is built, so a typo fails at start-up
with a message naming the setting, not at the first tool call.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from .errors import ConfigurationError

FailMode = Literal["open", "closed"]
SpoolFullPolicy = Literal["drop_oldest", "drop_newest"]

TOOL_NAME_RE = re.compile(r"^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*$")
MAX_BATCH = 1000  # the server accepts at most 1,000 traces per request


def default_spool_path() -> Path:
    """The per-user cache directory, as platformdirs would choose it (no dependency)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "execlave" / "Cache" / "spool.sqlite3"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "execlave" / "spool.sqlite3"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "execlave" / "spool.sqlite3"


@dataclass(frozen=True)
class Settings:
    api_key: str
    base_url: str
    agent: str
    fail_mode: FailMode = "open"
    timeout: float = 3.0
    batch_size: int = 100
    flush_interval: float = 1.0
    flush_timeout: float = 5.0
    max_queue_size: int = 10_000
    spool_path: Path | None = None  # None: spooling disabled
    spool_max_bytes: int = 50 * 1024 * 1024
    spool_full_policy: SpoolFullPolicy = "drop_oldest"
    approval_timeout: float | None = None  # None: wait until the approval's own expiry
    breaker_threshold: int = 3
    breaker_cooldown: float = 30.0
    max_retry_delay: float = 60.0
    verify: bool = False  # check the URL and key when the client is built


# name -> (env var, parser)
def _parse_float(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, got {raw!r}") from None


def _parse_int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from None


def _parse_optional_float(name: str, raw: str) -> float | None:
    if raw.strip().lower() in ("", "none", "0"):
        return None
    return _parse_float(name, raw)


def _parse_spool(name: str, raw: str) -> Any:
    if raw.strip().lower() in ("off", "false", "none", "0", "disabled"):
        return False
    return raw


_ENV: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "api_key": ("EXECLAVE_API_KEY", lambda n, r: r),
    "base_url": ("EXECLAVE_BASE_URL", lambda n, r: r),
    "agent": ("EXECLAVE_AGENT", lambda n, r: r),
    "fail_mode": ("EXECLAVE_FAIL_MODE", lambda n, r: r.strip().lower()),
    "timeout": ("EXECLAVE_TIMEOUT", _parse_float),
    "batch_size": ("EXECLAVE_BATCH_SIZE", _parse_int),
    "flush_interval": ("EXECLAVE_FLUSH_INTERVAL", _parse_float),
    "flush_timeout": ("EXECLAVE_FLUSH_TIMEOUT", _parse_float),
    "max_queue_size": ("EXECLAVE_MAX_QUEUE_SIZE", _parse_int),
    "spool_path": ("EXECLAVE_SPOOL_PATH", _parse_spool),
    "spool_max_bytes": ("EXECLAVE_SPOOL_MAX_BYTES", _parse_int),
    "spool_full_policy": ("EXECLAVE_SPOOL_FULL_POLICY", lambda n, r: r.strip().lower()),
    "approval_timeout": ("EXECLAVE_APPROVAL_TIMEOUT", _parse_optional_float),
    "breaker_threshold": ("EXECLAVE_BREAKER_THRESHOLD", _parse_int),
    "breaker_cooldown": ("EXECLAVE_BREAKER_COOLDOWN", _parse_float),
    "verify": ("EXECLAVE_VERIFY", lambda n, r: r.strip().lower() in ("1", "true", "yes", "on")),
}

DEFAULT_BASE_URL = "http://localhost:8000"


def build_settings(
    explicit: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> Settings:
    """Merge explicit keyword arguments (``None`` = not given) with the environment and validate."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for field, (var, parse) in _ENV.items():
        given = explicit.get(field)
        if given is not None:
            values[field] = given
        elif env.get(var) not in (None, ""):
            values[field] = parse(var, env[var])

    api_key = values.get("api_key")
    if not isinstance(api_key, str) or not api_key.strip():
        raise ConfigurationError(
            "api_key is required: pass Execlave(api_key=...) or set EXECLAVE_API_KEY"
        )
    if any(c.isspace() for c in api_key.strip()):
        raise ConfigurationError("api_key must not contain whitespace")

    agent = values.get("agent")
    if not isinstance(agent, str) or not agent.strip():
        raise ConfigurationError(
            "agent is required: pass Execlave(agent='billing-bot') or set EXECLAVE_AGENT"
        )

    base_url = str(values.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"base_url must be an http(s) URL such as https://execlave.example.com, got {base_url!r}"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigurationError(f"base_url has an invalid port: {base_url!r}") from None

    fail_mode = values.get("fail_mode", "open")
    if fail_mode not in ("open", "closed"):
        raise ConfigurationError(f"fail_mode must be 'open' or 'closed', got {fail_mode!r}")

    spool = values.get("spool_path")
    if spool is False:
        spool_path: Path | None = None
    elif spool is None or spool is True:
        spool_path = default_spool_path()
    else:
        spool_path = Path(spool).expanduser()

    policy = values.get("spool_full_policy", "drop_oldest")
    if policy not in ("drop_oldest", "drop_newest"):
        raise ConfigurationError(
            f"spool_full_policy must be 'drop_oldest' or 'drop_newest', got {policy!r}"
        )

    settings = Settings(
        api_key=api_key.strip(),
        base_url=base_url,
        agent=agent.strip(),
        fail_mode=fail_mode,
        timeout=_positive("timeout", values.get("timeout", 3.0)),
        batch_size=_int_between("batch_size", values.get("batch_size", 100), 1, MAX_BATCH),
        flush_interval=_positive("flush_interval", values.get("flush_interval", 1.0)),
        flush_timeout=_positive("flush_timeout", values.get("flush_timeout", 5.0)),
        max_queue_size=_int_between(
            "max_queue_size", values.get("max_queue_size", 10_000), 1, 10**8
        ),
        spool_path=spool_path,
        spool_max_bytes=_int_between(
            "spool_max_bytes", values.get("spool_max_bytes", 50 * 1024 * 1024), 4096, 2**50
        ),
        spool_full_policy=policy,
        approval_timeout=(
            None
            if values.get("approval_timeout") is None
            else _positive("approval_timeout", values["approval_timeout"])
        ),
        breaker_threshold=_int_between(
            "breaker_threshold", values.get("breaker_threshold", 3), 1, 10**6
        ),
        breaker_cooldown=_positive("breaker_cooldown", values.get("breaker_cooldown", 30.0)),
        verify=bool(values.get("verify", False)),
    )
    return settings


def _positive(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigurationError(f"{name} must be a number of seconds, got {value!r}")
    if not value > 0:
        raise ConfigurationError(f"{name} must be greater than 0, got {value!r}")
    return float(value)


def _int_between(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(f"{name} must be an integer, got {value!r}")
    if not low <= value <= high:
        raise ConfigurationError(f"{name} must be between {low} and {high}, got {value}")
    return value


def validate_tool_name(name: Any) -> str:
    if not isinstance(name, str) or not TOOL_NAME_RE.match(name):
        raise ConfigurationError(
            f"tool name must be dot-separated words such as 'database.query', got {name!r}"
        )
    return name
