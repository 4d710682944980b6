import uuid

import factory
from django.contrib.auth import get_user_model

from governance.models import Agent, Membership, Organisation
from governance.roles import Role
from traces.services import LedgerEvent, ledger_append


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.SelfAttribute("username")
    password = factory.django.Password("pw-for-tests-1")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.DEVELOPER


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"agent-{n}")


def append_completion(organisation, agent, *, tool="email.send", **fields):
    """One completed action on the organisation's ledger (the chain's own append, no shortcut)."""
    event = LedgerEvent(
        trace_id=fields.pop("trace_id", None) or uuid.uuid4(),
        kind="completion",
        agent=agent,
        tool=tool,
        **fields,
    )
    return ledger_append(organisation=organisation, events=[event])
