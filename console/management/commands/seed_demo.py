"""Create (or refresh) the demo organisation: one user per role, three agents; then verify its
ledger (the dashboard shows the result). Idempotent."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from console.services import integrity_check_request, integrity_check_run
from governance import services
from governance.models import Agent, Membership, Organisation, Plan, RiskClass
from governance.roles import Role

DEMO_SLUG = "demo"
DEMO_PASSWORD_DEFAULT = "execlave-demo"  # noqa: S105 — printed on purpose for the demo
DEMO_USERS = [
    ("owner@demo.execlave.dev", Role.OWNER),
    ("admin@demo.execlave.dev", Role.ADMIN),
    ("compliance@demo.execlave.dev", Role.COMPLIANCE_OFFICER),
    ("reviewer@demo.execlave.dev", Role.REVIEWER),
    ("developer@demo.execlave.dev", Role.DEVELOPER),
]
DEMO_AGENTS = [
    ("billing-bot", "Answers billing questions and issues refunds.", RiskClass.LIMITED),
    ("support-agent", "Handles customer support tickets and emails.", RiskClass.LIMITED),
    ("data-analyst", "Runs analytics queries over the customer database.", RiskClass.HIGH),
]


class Command(BaseCommand):
    help = "Seed the demo organisation (slug 'demo') with a user per role and three agents."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEMO_PASSWORD_DEFAULT, help="Password for every demo user."
        )
        parser.add_argument(
            "--with-key", action="store_true", help="Also create an API key and print it."
        )
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="Also create superuser 'admin' with the password.",
        )
        parser.add_argument(
            "--logins-file",
            default=None,
            help="Write the demo logins to this file instead of printing them (make run prints "
            "them last, once the server answers).",
        )
        parser.add_argument(
            "--activity",
            action="store_true",
            help="Also create demo policies, agent activity, approvals and compliance reports (once).",
        )

    def handle(self, *args, activity: bool = False, **options):
        self.seed(**options)
        if activity:
            call_command("demo_activity", stdout=self.stdout)
        self.verify_ledger()

    def verify_ledger(self):
        """Verify the demo's ledger as the dashboard's "Verify now" does (the same services,
        run here rather than in the task worker), so the first dashboard shows it checked."""
        org = Organisation.objects.get(slug=DEMO_SLUG)
        # Requested by the system (actor None: "system" in the audit log, as every row this
        # command writes), saying which command asked.
        requested = integrity_check_request(
            organisation=org, actor=None, cause="seed_demo: the demo organisation was seeded"
        )
        check = integrity_check_run(check_id=requested.pk)
        self.stdout.write(
            f"Ledger verification #{check.pk}: {check.get_status_display().lower()}, "
            f"{check.entries} entries."
        )

    @transaction.atomic
    def seed(
        self,
        *,
        password: str,
        with_key: bool,
        superuser: bool,
        logins_file: str | None = None,
        **options,
    ):
        User = get_user_model()
        org = Organisation.objects.filter(slug=DEMO_SLUG).first()
        if org is None:
            org = services.organisation_create(
                name="Demo Corp", slug=DEMO_SLUG, plan=Plan.PRO, actor=None
            )
        users = {}
        for email, role in DEMO_USERS:
            user, created = User.objects.get_or_create(username=email, defaults={"email": email})
            _keep_or_set_password(user, password, created=created)
            users[role] = user
            membership = Membership.objects.filter(user=user, organisation=org).first()
            if membership is None:
                services.membership_add(organisation=org, user=user, role=role, actor=None)
            elif membership.role != role:
                services.membership_change_role(membership=membership, role=role, actor=None)
        for name, description, risk in DEMO_AGENTS:
            agent = Agent.objects.filter(organisation=org, name=name).first()
            if agent is None:
                agent = services.agent_create(
                    organisation=org,
                    name=name,
                    description=description,
                    risk_class=risk,
                    owner=users[Role.DEVELOPER],
                    actor=None,
                )
            if not users[Role.REVIEWER].has_perm("governance.decide_approvals", agent):
                services.agent_permission_grant(
                    agent=agent,
                    user=users[Role.REVIEWER],
                    permission="decide_approvals",
                    actor=None,
                )
        if superuser:
            admin, created = User.objects.get_or_create(
                username="admin", defaults={"email": "admin@localhost"}
            )
            admin.is_superuser = admin.is_staff = True
            _keep_or_set_password(admin, password, created=created)

        self.stdout.write(
            self.style.SUCCESS(f"Demo organisation '{org.name}' (slug {org.slug}) is ready.")
        )
        logins = [
            f"{role.label:<20} {email:<32} password: {password}" for email, role in DEMO_USERS
        ]
        if superuser:
            logins.append(f"{'Superuser (operator)':<20} {'admin':<32} password: {password}")
        if logins_file:
            Path(logins_file).write_text("\n".join(logins) + "\n")
        else:
            self.stdout.write("Log in at /admin/ (console) or /approvals/ (review queue) as:")
            for line in logins:
                self.stdout.write("  " + line)
        if with_key:
            _, plaintext = services.api_key_create(
                organisation=org, name="demo key", scopes=["check", "ingest", "read"], actor=None
            )
            self.stdout.write(f"API key (check, ingest, read; shown once): {plaintext}")


def _keep_or_set_password(user, password: str, *, created: bool) -> None:
    """Set the printed password only where it is not already the user's: a new hash (new salt)
    logged every demo user out of every browser at each `make run`."""
    if created or not user.check_password(password):
        user.set_password(password)
    user.save()
