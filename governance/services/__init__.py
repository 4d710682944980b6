"""Every write to governance objects, one module per responsibility. Each service checks the
actor's rights and writes its AuditLog row in the same transaction (Zulip's ``do_*`` pattern).

``from governance.services import X`` is the way in; the modules are an internal layout.
"""

from __future__ import annotations

from .agents import (
    AGENT_FIELDS,
    AGENT_NAME_PATTERN,
    AGENT_PERMISSION_CODENAMES,
    agent_create,
    agent_permission_grant,
    agent_permission_revoke,
    agent_resolve,
    agent_update,
    has_control_characters,
)
from .api_keys import (
    API_KEY_FIELDS,
    api_key_create,
    api_key_revoke,
    api_key_rotate,
    api_key_touch,
)
from .audit_log import (
    Actor,
    User,
    actor_label,
    audit_log_write,
    require_capability,
    snapshot,
)
from .data_subject_requests import (
    DSR_CLOSED,
    DSR_FIELDS,
    data_subject_request_close,
    data_subject_request_create,
)
from .members import (
    invitation_link,
    membership_add,
    membership_change_role,
    membership_invite,
    membership_leave,
    membership_remove,
    random_password,
    send_invitation,
)
from .organisations import (
    ORGANISATION_FIELDS,
    organisation_create,
    organisation_update,
    retention_conflict_check,
)

__all__ = [
    "AGENT_FIELDS",
    "AGENT_PERMISSION_CODENAMES",
    "API_KEY_FIELDS",
    "Actor",
    "DSR_CLOSED",
    "DSR_FIELDS",
    "ORGANISATION_FIELDS",
    "User",
    "actor_label",
    "agent_create",
    "agent_permission_grant",
    "agent_permission_revoke",
    "agent_resolve",
    "agent_update",
    "api_key_create",
    "api_key_revoke",
    "api_key_rotate",
    "api_key_touch",
    "audit_log_write",
    "data_subject_request_close",
    "data_subject_request_create",
    "AGENT_NAME_PATTERN",
    "has_control_characters",
    "invitation_link",
    "membership_add",
    "membership_change_role",
    "membership_invite",
    "membership_leave",
    "membership_remove",
    "organisation_create",
    "organisation_update",
    "random_password",
    "require_capability",
    "retention_conflict_check",
    "send_invitation",
    "snapshot",
]
