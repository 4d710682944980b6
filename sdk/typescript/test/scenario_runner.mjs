// Runs tests/sdk/scenarios.json with the Node SDK: `node scenario_runner.mjs <phase>` — the twin
// of tests/sdk/scenario_runner.py (same table, same output), compared by parity.test.mjs.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { Execlave, ExeclaveError } from "../dist/esm/index.js";
import { ROOT } from "./live.mjs";

const TABLE = JSON.parse(readFileSync(join(ROOT, "tests", "sdk", "scenarios.json"), "utf8"));
const phase = process.argv[2];
const quiet = { info() {}, warn() {}, error: (m) => console.error(m) };
const clients = new Map();
function client(name) {
  if (!clients.has(name)) {
    const s = TABLE.clients[name];
    clients.set(name, new Execlave({
      failMode: s.fail_mode,
      batchSize: s.batch_size,
      timeouts: { request: 10_000, ...(s.approval_timeout ? { approval: s.approval_timeout * 1000 } : {}) },
      logger: quiet,
    }));
  }
  return clients.get(name);
}

const results = {};
if (phase === "replay") await client("default").flush(20_000);
for (const scenario of TABLE.scenarios.filter((s) => s.phase === phase)) {
  const ex = client(scenario.client ?? "default");
  const runs = (results[scenario.name] ??= []);
  for (let i = 0; i < (scenario.repeat ?? 1); i++) {
    const traceId = randomUUID();
    let error = null;
    try {
      await ex.action(scenario.tool, { input: scenario.input, traceId }, async (a) => {
        await a.record({ output: scenario.output, cost: scenario.cost, tokens: scenario.tokens });
      });
    } catch (e) {
      if (!(e instanceof ExeclaveError)) throw e;
      error = e.name;
    }
    runs.push({ trace_id: traceId, error });
  }
}
for (const ex of clients.values()) await ex.shutdown(10_000);
console.log(JSON.stringify(results));
