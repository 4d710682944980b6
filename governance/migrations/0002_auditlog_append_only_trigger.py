from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION execlave_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'governance_auditlog is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS auditlog_append_only ON governance_auditlog;
CREATE TRIGGER auditlog_append_only BEFORE UPDATE OR DELETE ON governance_auditlog
    FOR EACH ROW EXECUTE FUNCTION execlave_auditlog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS auditlog_append_only ON governance_auditlog;
DROP FUNCTION IF EXISTS execlave_auditlog_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
