from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ComplianceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "compliance"

    def ready(self) -> None:
        # Services import models, which the app registry only allows once apps are ready.
        from compliance import services

        post_migrate.connect(
            services.sync_catalogs_after_migrate,
            sender=self,
            dispatch_uid="compliance.catalog_sync",
        )
