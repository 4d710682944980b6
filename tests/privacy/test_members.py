"""Platform users' own data: deleting a person who acted keeps the audit trail whole."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from governance import services as gov
from governance.models import AuditLog
from privacy import members

pytestmark = pytest.mark.django_db


def test_a_user_who_acted_can_be_deleted_and_the_trail_stays(org, owner, developer):
    gov.data_subject_request_create(organisation=org, kind="access", actor=owner, subject="a@b.co")
    rows_before = AuditLog.objects.count()
    owner_pk = owner.pk
    developer.delete()  # never acted: plain delete
    row = AuditLog.objects.filter(action="dsr.received").get()
    assert row.actor_user_id == owner_pk
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=owner_pk).delete()  # acted: used to be PROTECTed
    row.refresh_from_db()
    assert row.actor_user_id is None and row.actor_label == "alice@acme.test"
    assert AuditLog.objects.count() == rows_before


def test_audit_rows_stay_append_only_otherwise(org, owner):
    gov.data_subject_request_create(organisation=org, kind="access", actor=owner, subject="a@b.co")
    row = AuditLog.objects.filter(action="dsr.received").get()
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE governance_auditlog SET actor_label = 'someone else' WHERE id = %s",
            [row.pk],
        )
    row.refresh_from_db()
    assert row.actor_label == "alice@acme.test"


def test_member_erase_keeps_an_owner_and_refuses_oneself(org, owner, admin_user):
    with pytest.raises(ValidationError):
        members.member_erase(organisation=org, member=owner, actor=owner)
    result = members.member_erase(organisation=org, member=admin_user, actor=owner)
    assert result["account_deleted"] is True
    assert result["pseudonym"].startswith("former-member-")
    assert not AuditLog.objects.filter(actor_label="adam@acme.test").exists()
    assert (
        AuditLog.objects.filter(actor_label=result["pseudonym"]).exists()
        or result["audit_rows_pseudonymised"] >= 1
    )
