from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from . import keys
from .roles import Role


class Plan(models.TextChoices):
    FREE = "free", "Free"
    PRO = "pro", "Pro"
    ENTERPRISE = "enterprise", "Enterprise"


PLAN_RETENTION_DAYS = {Plan.FREE: 7, Plan.PRO: 90}


class AiActRole(models.TextChoices):
    """The organisation's role under the EU AI Act (Art. 3(3) provider, Art. 3(4) deployer)."""

    DEPLOYER = "deployer", "Deployer (uses AI systems under its authority)"
    PROVIDER = "provider", "Provider (develops AI systems and places them on the market)"
    BOTH = "both", "Provider and deployer"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.FREE)
    # Enterprise only: a custom number of days, or unlimited retention.
    custom_retention_days = models.PositiveIntegerField(null=True, blank=True)
    retention_unlimited = models.BooleanField(default=False)
    currency = models.CharField(max_length=3, default="USD")
    ai_act_role = models.CharField(
        "EU AI Act role",
        max_length=10,
        choices=AiActRole.choices,
        blank=True,
        help_text="Which EU AI Act obligations reports assess; blank assesses both roles and says so.",
    )
    retention_purpose = models.TextField(
        blank=True,
        help_text="Why the ledger is kept for this retention period (GDPR Art. 5(1)(e) storage "
        "limitation); reports quote it.",
    )
    allow_agent_autocreate = models.BooleanField(
        default=True,
        help_text="Register an unknown agent the first time one of its calls or traces arrives.",
    )
    # Bumped by every policy change so each process's policy cache sees it on the next call.
    policy_version = models.PositiveBigIntegerField(default=1)
    webhook_url = models.URLField(blank=True, help_text="Slack-compatible webhook for approvals.")
    webhook_secret = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def retention_days(self) -> int | None:
        """Days traces are kept; None means unlimited (enterprise only)."""
        if self.plan == Plan.ENTERPRISE:
            if self.retention_unlimited:
                return None
            return self.custom_retention_days or 365
        return PLAN_RETENTION_DAYS[Plan(self.plan)]


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_org"
            )
        ]
        ordering = ["organisation__name", "user__username"]
        # What the console calls them ("Add member", "Members"): "Add membership" and "Select
        # membership to change" left a first-time owner looking for where to invite someone.
        verbose_name = "member"
        verbose_name_plural = "members"

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.organisation}"


class RiskClass(models.TextChoices):
    HIGH = "high", "High risk"
    LIMITED = "limited", "Limited risk"
    MINIMAL = "minimal", "Minimal risk"
    GPAI = "gpai", "General-purpose AI"


class Agent(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="agents")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_agents",
    )
    is_active = models.BooleanField(default=True)
    risk_class = models.CharField(
        max_length=16,
        choices=RiskClass.choices,
        default=RiskClass.MINIMAL,
        help_text="EU AI Act risk class",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="agent_unique_name_per_org"
            )
        ]
        ordering = ["name"]
        permissions = [
            ("decide_approvals", "Can decide approvals for this agent"),
            ("manage_keys", "Can manage this agent and its API keys"),
        ]

    def __str__(self) -> str:
        return self.name


class Scope(models.TextChoices):
    CHECK = "check", "check — ask for policy decisions"
    INGEST = "ingest", "ingest — write traces"
    READ = "read", "read — read traces, ledger, reports"
    POLICIES = "policies", "policies — manage policies as code"
    PRIVACY = "privacy", "privacy — file data-subject requests and read their status"


class ApiKey(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_keys"
    )
    agent = models.ForeignKey(
        Agent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text="When set, the key may only act as this agent.",
    )
    name = models.CharField(max_length=120)
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=keys.PREFIX_LENGTH, unique=True, editable=False)
    hashed_secret = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.masked})"

    @property
    def masked(self) -> str:
        return keys.masked(self.prefix)

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def last_used_is_stale(self, interval_seconds: int, now=None) -> bool:
        now = now or timezone.now()
        return self.last_used_at is None or now - self.last_used_at >= timedelta(
            seconds=interval_seconds
        )


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are append-only")


class AuditLog(models.Model):
    """Who changed what, when, from where. Append-only (a trigger enforces it on PostgreSQL)."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_logs"
    )
    # SET_NULL: a person's account can be deleted (GDPR Art. 17) while the trail stays whole;
    # actor_label keeps who acted (pseudonymised by privacy.services.member_erase).
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="actor's account",
    )
    actor_api_key = models.ForeignKey(
        ApiKey,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="actor's API key",
    )
    actor_label = models.CharField(
        "actor", max_length=200, help_text="Who acted, kept readable on its own."
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField("record", max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="auditlog_org_time")]
        # One row is an entry of the organisation's audit log ("Select audit log to view",
        # "60 audit logs" before).
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("AuditLog rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("AuditLog rows are append-only")


class Jurisdiction(models.TextChoices):
    GDPR = "gdpr", "GDPR (EU/UK)"
    CCPA = "ccpa", "CCPA/CPRA (California)"


class IdentifierType(models.TextChoices):
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone number"
    CUSTOMER_ID = "customer_id", "Customer id"
    OTHER = "other", "Other (key/value)"


def dsr_reference(pk: int) -> str:
    """A data-subject request as people name it ("DSR-0002"), wherever it is shown: its pages,
    its certificate, a trace it erased from."""
    return f"DSR-{pk:04d}"


class DataSubjectRequest(models.Model):
    """A data-subject request (GDPR Art. 15-18, 20-21; CCPA/CPRA) and how it was handled.

    ``identifiers`` is a list of ``{"type": IdentifierType, "value": str, "key": str}`` (``key``
    names an "other" identifier, e.g. ``loyalty_number``). The privacy app fulfils requests;
    this record and its lifecycle stay here so the compliance reports can read them."""

    class Kind(models.TextChoices):
        ACCESS = "access", "Access (Art. 15 / right to know)"
        RECTIFICATION = "rectification", "Rectification (Art. 16 / right to correct)"
        ERASURE = "erasure", "Erasure (Art. 17 / right to delete)"
        PORTABILITY = "portability", "Portability (Art. 20)"
        OBJECTION = "objection", "Objection / restriction (Art. 18, 21 / opt-out)"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IDENTITY_VERIFIED = "identity_verified", "Identity verified"
        IN_PROGRESS = "in_progress", "In progress"
        EXTENDED = "extended", "Extended"
        COMPLETED = "completed", "Completed"
        REJECTED = "rejected", "Rejected"

    OPEN_STATUSES = ("received", "identity_verified", "in_progress", "extended")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="data_subject_requests"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    jurisdiction = models.CharField(
        max_length=8, choices=Jurisdiction.choices, default=Jurisdiction.GDPR
    )
    subject = models.CharField(
        max_length=254, help_text="The identifier searched for: an email, a user id, …"
    )
    identifiers = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    # When the subject's identity was verified (GDPR Art. 12(6)); nothing is fulfilled before.
    # Its own field, not a status: starting work or extending the deadline moves the status on.
    identity_verified_at = models.DateTimeField(null=True, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_by = models.CharField(max_length=200, blank=True, help_text="Who recorded the request.")

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="dsr_status_due")]

    def __str__(self) -> str:
        return f"{dsr_reference(self.pk or 0)} {self.get_kind_display().split(' (')[0]} for {self.subject}"

    @property
    def reference(self) -> str:
        return dsr_reference(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def days_left(self, now=None) -> int:
        """Whole days until the due date (negative once overdue), in calendar days."""
        today = timezone.localdate(now or timezone.now())
        return (timezone.localdate(self.due_at) - today).days

    def is_overdue(self, now=None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_at
