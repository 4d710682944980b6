"""PostgreSQL: ``execlave_ledger_append_one`` appends one event from plain parameters, with a
duplicate probe no cached plan can make slow; the batch function becomes a loop over it.

* **A plan that walked the chain.** The function probed for duplicates with ``EXISTS (...
  organisation_id = $1 AND trace_id = $2 AND kind = $3)``. PL/pgSQL caches a generic plan per
  connection after five calls; made while the table was empty or unanalysed, the costs of the
  two candidate indexes tie and PostgreSQL may pick ``(organisation_id, seq)``, then walk the
  organisation's whole chain on every append for as long as the pooled connection lives: 0.38
  ms after 3,000 appends on a fresh database and rising linearly (bench/check.py). The one
  probe left (duplicate? first entry of its trace?) is now planned per call with the actual
  values (``EXECUTE``): a few microseconds, and it follows the table as it grows. It does not
  rely on the unique constraint, which a table partitioned by month cannot keep (README).
* **No JSON for one event.** A ``/check`` appends one event. Sent as a JSON document,
  PostgreSQL parsed about 7 KB per decision (the record of every policy is in it twice: as a
  column and inside the hashed text); as the parameters of a prepared statement nothing is
  parsed: 0.39 against 0.47 ms per append on the benchmark machine.

The batch function (up to ``SMALL_BATCH`` events from the ingestion API) keeps its signature
and calls the one-event function per element, so the chaining logic exists once; each event
now takes its own ``recorded_at``.
"""

from importlib import import_module

from django.db import migrations

previous = import_module("traces.migrations.0004_ledger_append_function")

CREATE = r"""
CREATE OR REPLACE FUNCTION execlave_ledger_append_one(
    p_org bigint, p_trace uuid, p_kind text, p_agent_id bigint, p_agent_name text, p_tool text,
    p_status text, p_decision text, p_policies text, p_occurred_at timestamptz, p_client text,
    p_server text, p_payload text, p_payload_hash text, p_a text, p_b text, p_c text
) RETURNS bigint AS $$
-- Chains and stores one event under the chain-head lock; its seq, or NULL when the
-- organisation already has an entry of this kind for this trace (nothing is written then).
-- p_a || opens_trace || p_b || recorded_at || p_c is the entry's canonical fields text
-- (traces.chain.fields_parts).
DECLARE
    v_len bigint;
    v_head text;
    v_now timestamptz;
    v_duplicate boolean;
    v_opens boolean;
    v_hash text;
BEGIN
    SELECT length, head_hash INTO v_len, v_head FROM traces_ledgerchain WHERE organisation_id = p_org FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no ledger chain for organisation %', p_org USING ERRCODE = 'no_data_found';
    END IF;
    -- Planned per call (EXECUTE), never from a generic plan cached while the table was small.
    EXECUTE 'SELECT coalesce(bool_or(kind = $3), false), count(*) = 0 FROM traces_ledgerentry '
            'WHERE organisation_id = $1 AND trace_id = $2'
        INTO v_duplicate, v_opens USING p_org, p_trace, p_kind;
    IF v_duplicate THEN
        RETURN NULL;  -- already recorded (a retry, or repeated in one batch)
    END IF;
    v_now := clock_timestamp();
    v_hash := encode(sha256(convert_to(
        v_head || p_a || CASE WHEN v_opens THEN 'true' ELSE 'false' END || p_b
        || to_char(v_now AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || p_c
        || p_payload_hash, 'UTF8')), 'hex');
    INSERT INTO traces_ledgerentry (
        organisation_id, seq, trace_id, kind, agent_id, agent_name, tool, status, decision,
        policies, opens_trace, occurred_at, recorded_at, client, server, payload,
        payload_hash, prev_hash, entry_hash
    ) VALUES (
        p_org, v_len + 1, p_trace, p_kind, p_agent_id, p_agent_name, p_tool, p_status,
        p_decision, p_policies, v_opens, p_occurred_at, v_now, p_client, p_server, p_payload,
        p_payload_hash, v_head, v_hash
    );
    UPDATE traces_ledgerchain SET length = v_len + 1, head_hash = v_hash, updated_at = v_now
    WHERE organisation_id = p_org;
    RETURN v_len + 1;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION execlave_ledger_append(p_org bigint, p_rows jsonb)
RETURNS TABLE(out_trace_id uuid, out_kind text, out_seq bigint) AS $$
DECLARE
    r jsonb;
BEGIN
    FOR r IN SELECT value FROM jsonb_array_elements(p_rows) LOOP
        out_seq := execlave_ledger_append_one(
            p_org, (r->>'trace_id')::uuid, r->>'kind', (r->>'agent_id')::bigint,
            r->>'agent_name', r->>'tool', r->>'status', r->>'decision', r->>'policies',
            (r->>'occurred_at')::timestamptz, r->>'client', r->>'server', r->>'payload',
            r->>'payload_hash', r->>'a', r->>'b', r->>'c'
        );
        CONTINUE WHEN out_seq IS NULL;
        out_trace_id := (r->>'trace_id')::uuid;
        out_kind := r->>'kind';
        RETURN NEXT;
    END LOOP;
END;
$$ LANGUAGE plpgsql;
"""
DROP_ONE = "DROP FUNCTION IF EXISTS execlave_ledger_append_one(bigint, uuid, text, bigint, text, text, text, text, text, timestamptz, text, text, text, text, text, text, text);"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(previous.CREATE, params=None)
        schema_editor.execute(DROP_ONE, params=None)


class Migration(migrations.Migration):
    dependencies = [("traces", "0006_ledger_cheaper_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
