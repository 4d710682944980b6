"""Production: PostgreSQL, Redis, secure cookies. Refuses to start without the secrets it needs."""

from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403
from .base import DATABASE_URL

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
LEDGER_SIGNING_KEY = env_str("LEDGER_SIGNING_KEY", required=True)
if not DATABASE_URL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DATABASE_URL must be set in production (PostgreSQL)")

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_CONTENT_TYPE_NOSNIFF = True

# Static files are collected at deploy time (`manage.py collectstatic`) and served compressed
# with far-future cache headers by WhiteNoise.
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
