"""Settings for pytest. DATABASE_URL (from the environment) still selects PostgreSQL."""

import os

from config.env import env_bool

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, IS_POSTGRES, Q_CLUSTER, REST_FRAMEWORK

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LEDGER_SIGNING_KEY = "test-ledger-signing-key"
API_KEY_LAST_USED_INTERVAL = 0
# Tasks run inline: a test sees a task's effect when the service returns. Tests that start real
# workers in child processes set EXECLAVE_TEST_Q_SYNC=false for them.
Q_CLUSTER = {**Q_CLUSTER, "sync": env_bool("EXECLAVE_TEST_Q_SYNC", True)}
# Generous default throttles in tests; throttle tests override the rates explicitly.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"burst": "100000/second", "sustained": "10000000/hour"},
}
if not IS_POSTGRES:
    # A file-backed test database (not :memory:) so threads and the live server share it;
    # per process so parallel runs never share one.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test-execlave-{os.getpid()}.sqlite3")
    }
# make test runs both passes and their PostgreSQL on two cores: a pool that must open several
# connections at once for a test's threads (it keeps one open) may take longer than production's
# 10 s to lend the last. DATABASE_POOL_TIMEOUT set by hand still wins. (Session 15's one failure
# here, test_group_commit's six threads, "couldn't get a connection after 10.00 sec", was not
# slowness: the timekeeper test's stopped threads kept two of the pool's eight connections and a
# group's leader without one waited for the pool while its waiters held the rest; session 16
# fixed both, approvals.timekeeper.run and that test.)
_pool = DATABASES["default"].get("OPTIONS", {}).get("pool") if IS_POSTGRES else None
if _pool and "DATABASE_POOL_TIMEOUT" not in os.environ:
    _pool["timeout"] = 30
