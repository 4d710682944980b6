import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_asgi_application()

from config.startup import freeze_startup_objects  # noqa: E402 — needs Django set up

freeze_startup_objects()
