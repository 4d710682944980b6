"""PostgreSQL: append a few events in one statement, so the chain-head lock is held for one
statement and the commit instead of four client round trips (see traces.services._append).

The function receives each entry's canonical fields split around the two values only known
under the lock (``opens_trace`` and ``recorded_at``) and computes ``entry_hash`` with the
built-in ``sha256``. Verification never trusts the database's hashing: it recomputes every
hash in Python."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION execlave_ledger_append(p_org bigint, p_rows jsonb)
RETURNS TABLE(out_trace_id uuid, out_kind text, out_seq bigint) AS $$
DECLARE
    v_len bigint;
    v_head text;
    v_now timestamptz;
    v_now_text text;
    r jsonb;
    v_trace uuid;
    v_opens boolean;
    v_hash text;
BEGIN
    SELECT length, head_hash INTO v_len, v_head FROM traces_ledgerchain WHERE organisation_id = p_org FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no ledger chain for organisation %', p_org USING ERRCODE = 'no_data_found';
    END IF;
    v_now := clock_timestamp();
    v_now_text := to_char(v_now AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    FOR r IN SELECT value FROM jsonb_array_elements(p_rows) LOOP
        v_trace := (r->>'trace_id')::uuid;
        CONTINUE WHEN EXISTS (
            SELECT 1 FROM traces_ledgerentry e
            WHERE e.organisation_id = p_org AND e.trace_id = v_trace AND e.kind = r->>'kind'
        );
        v_opens := NOT EXISTS (
            SELECT 1 FROM traces_ledgerentry e WHERE e.organisation_id = p_org AND e.trace_id = v_trace
        );
        v_len := v_len + 1;
        v_hash := encode(sha256(convert_to(
            v_head || (r->>'a') || CASE WHEN v_opens THEN 'true' ELSE 'false' END || (r->>'b')
            || v_now_text || (r->>'c') || (r->>'payload_hash'), 'UTF8')), 'hex');
        INSERT INTO traces_ledgerentry (
            organisation_id, seq, trace_id, kind, agent_id, agent_name, tool, status, decision,
            policies, opens_trace, occurred_at, recorded_at, client, server, payload,
            payload_hash, prev_hash, entry_hash
        ) VALUES (
            p_org, v_len, v_trace, r->>'kind', (r->>'agent_id')::bigint, r->>'agent_name',
            r->>'tool', r->>'status', r->>'decision', r->>'policies', v_opens,
            (r->>'occurred_at')::timestamptz, v_now, r->>'client', r->>'server', r->>'payload',
            r->>'payload_hash', v_head, v_hash
        );
        v_head := v_hash;
        out_trace_id := v_trace;
        out_kind := r->>'kind';
        out_seq := v_len;
        RETURN NEXT;
    END LOOP;
    UPDATE traces_ledgerchain SET length = v_len, head_hash = v_head, updated_at = v_now
    WHERE organisation_id = p_org;
END;
$$ LANGUAGE plpgsql;
"""
DROP = "DROP FUNCTION IF EXISTS execlave_ledger_append(bigint, jsonb);"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("traces", "0003_schedules")]
    operations = [migrations.RunPython(forwards, backwards)]
