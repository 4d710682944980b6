"""PostgreSQL refuses UPDATE and DELETE on ledger entries unless the retention or erasure
service set its transaction-local flag:

* ``SET LOCAL execlave.ledger_maintenance = 'retention'`` allows DELETE (and nothing else);
* ``SET LOCAL execlave.ledger_maintenance = 'erasure'`` allows an UPDATE that changes the
  ``payload`` column only (every hashed column and every hash must stay as they were).

Checkpoints are refused UPDATE and DELETE always."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION execlave_ledger_guard() RETURNS trigger AS $$
DECLARE
    mode text := coalesce(current_setting('execlave.ledger_maintenance', true), '');
BEGIN
    IF TG_OP = 'DELETE' AND mode = 'retention' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND mode = 'erasure'
       AND (to_jsonb(NEW) - 'payload') = (to_jsonb(OLD) - 'payload') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'traces_ledgerentry is append-only (% refused; only retention and erasure may change it)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ledger_append_only ON traces_ledgerentry;
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON traces_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION execlave_ledger_guard();

CREATE OR REPLACE FUNCTION execlave_ledger_checkpoint_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'traces_ledgercheckpoint is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ledger_checkpoint_append_only ON traces_ledgercheckpoint;
CREATE TRIGGER ledger_checkpoint_append_only BEFORE UPDATE OR DELETE ON traces_ledgercheckpoint
    FOR EACH ROW EXECUTE FUNCTION execlave_ledger_checkpoint_guard();
"""
DROP = """
DROP TRIGGER IF EXISTS ledger_append_only ON traces_ledgerentry;
DROP FUNCTION IF EXISTS execlave_ledger_guard();
DROP TRIGGER IF EXISTS ledger_checkpoint_append_only ON traces_ledgercheckpoint;
DROP FUNCTION IF EXISTS execlave_ledger_checkpoint_guard();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("traces", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
