"""PostgreSQL: ``execlave_ledger_append`` without a plan that slows down as the chain grows.

The function used to probe for a duplicate with ``EXISTS (... organisation_id = $1 AND
trace_id = $2 AND kind = $3)``. PL/pgSQL caches a generic plan per connection after five
calls; planned while the table was still empty or unanalysed, the costs of the two
candidate indexes tie and PostgreSQL may pick ``(organisation_id, seq)``, then walk the
organisation's whole chain on every append for as long as the pooled connection lives: on
a fresh database 0.38 ms after 3,000 appends and rising linearly (bench/check.py).

Now the duplicate check is the unique constraint itself (``ON CONFLICT ... DO NOTHING``, no
planner involved and one index probe fewer), and the one remaining probe - does the trace
already have an entry (``opens_trace``)? - is planned per call with the actual values
(``EXECUTE``), which costs a few microseconds and adapts as the table grows.
"""

from importlib import import_module

from django.db import migrations

previous = import_module("traces.migrations.0004_ledger_append_function")

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
        EXECUTE 'SELECT NOT EXISTS (SELECT 1 FROM traces_ledgerentry '
                'WHERE organisation_id = $1 AND trace_id = $2)'
            INTO v_opens USING p_org, v_trace;
        v_hash := encode(sha256(convert_to(
            v_head || (r->>'a') || CASE WHEN v_opens THEN 'true' ELSE 'false' END || (r->>'b')
            || v_now_text || (r->>'c') || (r->>'payload_hash'), 'UTF8')), 'hex');
        INSERT INTO traces_ledgerentry (
            organisation_id, seq, trace_id, kind, agent_id, agent_name, tool, status, decision,
            policies, opens_trace, occurred_at, recorded_at, client, server, payload,
            payload_hash, prev_hash, entry_hash
        ) VALUES (
            p_org, v_len + 1, v_trace, r->>'kind', (r->>'agent_id')::bigint, r->>'agent_name',
            r->>'tool', r->>'status', r->>'decision', r->>'policies', v_opens,
            (r->>'occurred_at')::timestamptz, v_now, r->>'client', r->>'server', r->>'payload',
            r->>'payload_hash', v_head, v_hash
        ) ON CONFLICT ON CONSTRAINT ledger_org_trace_kind_unique DO NOTHING;
        CONTINUE WHEN NOT FOUND;  -- already recorded (a retry, or repeated in this batch)
        v_len := v_len + 1;
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


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(previous.CREATE, params=None)


class Migration(migrations.Migration):
    dependencies = [("traces", "0006_ledger_cheaper_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
