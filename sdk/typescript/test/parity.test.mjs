// Same wire behaviour: one scenario table (tests/sdk/scenarios.json: allow, block, warn,
// approvals approved / denied / expired, output blocked and allowed, batching, fail-open and
// fail-closed with the server stopped, the spool's replay after the restart) run by the Python
// SDK and by this one against the same live server must leave the same ledger entries — what
// GET /api/v1/traces/<id> returns, ids, times, hashes and the SDK's name aside.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

import { ROOT, closeLiveServer, liveServer } from "./live.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const TABLE = JSON.parse(readFileSync(join(ROOT, "tests", "sdk", "scenarios.json"), "utf8"));
let server;

before(async () => {
  server = await liveServer();
});
after(closeLiveServer);

function runner(sdk, phase, spool) {
  const base = Object.fromEntries(Object.entries(server.env).filter(([k]) => !k.startsWith("EXECLAVE_")));
  const env = {
    ...base,
    EXECLAVE_API_KEY: server.keys.sdk_key,
    EXECLAVE_BASE_URL: server.baseUrl,
    EXECLAVE_AGENT: "billing-bot",
    EXECLAVE_SPOOL_PATH: join(spool, sdk === "python" ? "spool.sqlite3" : "spool-node"),
  };
  const argv = sdk === "python"
    ? [server.python, [join(ROOT, "tests", "sdk", "scenario_runner.py"), phase]]
    : [process.execPath, [join(HERE, "scenario_runner.mjs"), phase]];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv[1], { cwd: ROOT, env });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`${sdk} ${phase} exited ${code}:\n${err}`));
      else resolve(JSON.parse(out.trim().split("\n").pop()));
    });
  });
}

/** The online phase with one SDK; a reviewer answers the approvals in the table's order. */
async function online(sdk, spool) {
  const since = new Date();
  const verdicts = TABLE.scenarios.filter((s) => s.decide).map((s) => s.decide);
  let finished = false;
  const reviewer = (async () => {
    while (verdicts.length && !finished) {
      const id = await server.pendingApproval(since);
      if (id) await server.decide(id, verdicts.shift(), "decided in the parity test");
      else await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const results = await runner(sdk, "online", spool).finally(() => (finished = true));
  await reviewer;
  return results;
}

/** The whole table with both SDKs: online, then both with the server stopped, then the replay. */
async function runTables() {
  const spools = { python: mkdtempSync(join(tmpdir(), "execlave-parity-py-")), node: mkdtempSync(join(tmpdir(), "execlave-parity-node-")) };
  const results = { python: await online("python", spools.python), node: await online("node", spools.node) };
  await server.stop();
  try {
    for (const sdk of ["python", "node"]) Object.assign(results[sdk], await runner(sdk, "outage", spools[sdk]));
  } finally {
    await server.start();
  }
  for (const sdk of ["python", "node"]) await runner(sdk, "replay", spools[sdk]);
  return results;
}

const VOLATILE = new Set([
  "trace_id", "seq", "occurred_at", "recorded_at", "payload_hash", "prev_hash", "entry_hash",
  "started_at", "duration_ms", "check_ms", "sdk", "expires_at", "decided_at", "requested_at", "created_at", "at",
]);
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A ledger trace without what differs between any two runs (ids, times, hashes, SDK name). */
export function normalise(value, key = "") {
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value && typeof value === "object") {
    const out = {};
    for (const k of Object.keys(value).sort()) if (!VOLATILE.has(k)) out[k] = normalise(value[k], k);
    return out;
  }
  if (typeof value === "string" && UUID.test(value)) return "<uuid>";
  if (typeof value === "string" && TIME.test(value)) return "<time>";
  if (key === "reason" && typeof value === "string") return value.split(":")[0]; // the OS's wording aside
  return value;
}

test("the Python SDK and the Node SDK leave the same ledger entries for the same scenario table", async () => {
  const { python, node } = await runTables();
  assert.deepEqual(Object.keys(node).sort(), Object.keys(python).sort());
  const expected = {
    allow: null, block: "ActionBlocked", warn: null, "approval approved": null, "approval denied": "ApprovalDenied",
    "approval expired": "ApprovalExpired", "output blocked": "OutputBlocked", "output allowed": null, batching: null,
    "fail-open, server stopped": null, "fail-closed, server stopped": "ExeclaveUnavailable",
  };
  for (const scenario of TABLE.scenarios) {
    const [py, js] = [python[scenario.name], node[scenario.name]];
    assert.equal(py.length, scenario.repeat ?? 1);
    assert.deepEqual(js.map((r) => r.error), py.map((r) => r.error), scenario.name);
    assert.equal(py[0].error, expected[scenario.name], scenario.name);
    for (let i = 0; i < py.length; i++) {
      const [a, b] = [await server.api("GET", `/api/v1/traces/${py[i].trace_id}`), await server.api("GET", `/api/v1/traces/${js[i].trace_id}`)];
      assert.equal(a.status, 200, `${scenario.name}: Python trace missing`);
      assert.equal(b.status, 200, `${scenario.name}: Node trace missing`);
      assert.ok(a.body.events.some((e) => e.kind === "completion"), `${scenario.name}: no completion`);
      assert.deepEqual(normalise(b.body), normalise(a.body), `${scenario.name}: the ledger entries differ`);
    }
  }
});
