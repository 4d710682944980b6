"""Execlave: govern an AI agent's tools — check before they run, trace after.

from execlave import Execlave

execlave = Execlave(api_key="exk_live_...", base_url="https://execlave.example.com", agent="billing-bot")

@execlave.tool("database.query")
def query(sql: str) -> list[dict]:
    ...
"""

from ._version import __version__
from .approvals import ApprovalPending
from .client import Action, Execlave, current_action
from .decision import Decision
from .errors import (
    ActionBlocked,
    ApiError,
    ApprovalDenied,
    ApprovalExpired,
    AuthenticationError,
    ConfigurationError,
    ExeclaveError,
    ExeclaveUnavailable,
    OutputBlocked,
)

__all__ = [
    "Action",
    "ActionBlocked",
    "ApiError",
    "ApprovalDenied",
    "ApprovalExpired",
    "ApprovalPending",
    "AuthenticationError",
    "ConfigurationError",
    "Decision",
    "Execlave",
    "ExeclaveError",
    "ExeclaveUnavailable",
    "OutputBlocked",
    "__version__",
    "current_action",
]
