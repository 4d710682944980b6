from django.db import migrations

# The audit log stays append-only, with two narrow exceptions so a person's account can be
# erased (GDPR Art. 17) while the trail stays whole:
# * deleting a user sets actor_user_id to NULL (actor_label still says who acted);
# * with SET LOCAL execlave.audit_maintenance = 'pseudonymise' (privacy.services.member_erase)
#   actor_label, object_repr, before and after may be rewritten; nothing else.
CREATE = """
CREATE OR REPLACE FUNCTION execlave_auditlog_append_only() RETURNS trigger AS $$
DECLARE
    mode text := coalesce(current_setting('execlave.audit_maintenance', true), '');
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id
       AND NEW.organisation_id IS NOT DISTINCT FROM OLD.organisation_id
       AND NEW.actor_api_key_id IS NOT DISTINCT FROM OLD.actor_api_key_id
       AND NEW.action = OLD.action
       AND NEW.object_type = OLD.object_type
       AND NEW.object_id = OLD.object_id
       AND NEW.ip IS NOT DISTINCT FROM OLD.ip
       AND NEW.created_at = OLD.created_at
       AND (NEW.actor_user_id IS NULL OR NEW.actor_user_id = OLD.actor_user_id)
    THEN
        IF mode = 'pseudonymise' THEN
            RETURN NEW;
        END IF;
        IF NEW.actor_label = OLD.actor_label
           AND NEW.object_repr = OLD.object_repr
           AND NEW.before IS NOT DISTINCT FROM OLD.before
           AND NEW.after IS NOT DISTINCT FROM OLD.after
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'governance_auditlog is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
RESTORE = """
CREATE OR REPLACE FUNCTION execlave_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'governance_auditlog is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE, params=None)


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_data_subject_request_lifecycle")]
    operations = [migrations.RunPython(forwards, backwards)]
