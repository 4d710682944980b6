from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ComplianceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "compliance"

    def ready(self) -> None:
        from .models import sync_catalogs_after_migrate

        post_migrate.connect(
            sync_catalogs_after_migrate, sender=self, dispatch_uid="compliance.catalog_sync"
        )
