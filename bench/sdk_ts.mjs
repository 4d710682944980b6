// What does governing a tool cost a Node agent? `node bench/sdk_ts.mjs [--calls N] [--server-calls N]`
// (after `cd sdk/typescript && npm ci && npm run build`), side by side with the Python SDK
// (bench/sdk.py, run here as a subprocess; --skip-python leaves it out).
//
// 1. server down: fail-open with the circuit breaker open (a closed port): a wrapped no-op
//    against the bare function — the goal is < 0.1 ms per call.
// 2. server up: a live Execlave server (uvicorn, SQLite, started as the SDK tests start it);
//    the wrapped no-op against the /check round trip alone on the same keep-alive client, so
//    what the SDK adds on top of the round trip is visible.
// Prints medians and p95 in microseconds and the ratios against the baselines.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SDK = join(ROOT, "sdk", "typescript");
const { Execlave } = await import(join(SDK, "dist", "esm", "index.js"));
const { Transport } = await import(join(SDK, "dist", "esm", "transport.js"));
const { LiveServer, serverPython } = await import(join(SDK, "test", "live.mjs"));

const { values: args } = parseArgs({
  options: {
    calls: { type: "string", default: "20000" },
    "server-calls": { type: "string", default: "1000" },
    "skip-server": { type: "boolean", default: false },
    "skip-python": { type: "boolean", default: false },
  },
});
const calls = Number(args.calls);
const serverCalls = Number(args["server-calls"]);
const quiet = { info() {}, warn() {}, error() {} };

function progress(label, i, n) {
  if (i % Math.max(1, Math.floor(n / 20)) === 0 || i === n) process.stderr.write(`\r${label}: ${Math.round((100 * i) / n)}%   `);
  if (i === n) process.stderr.write("\n");
}

async function timed(label, n, fn) {
  const samples = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    samples[i] = Number(process.hrtime.bigint() - t) / 1000;
    progress(label, i + 1, n);
  }
  return samples;
}

function summary(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.floor(s.length * 0.95) - 1] };
}

const noop = (x) => x;
const asyncNoop = async (x) => x;
const rows = [];
const bare = summary(await timed("bare function (awaited)", calls, (i) => noop(i)));
rows.push(["bare no-op function (awaited)", bare, "1×"]);

// -- server down, breaker open ---------------------------------------------------------------
for (const [label, spoolPath] of [["journal spool", mkdtempSync(join(tmpdir(), "bench-spool-"))], ["no spool", false]]) {
  const ex = new Execlave({
    apiKey: "exk_bench", agent: "bench-bot", baseUrl: "http://127.0.0.1:9", timeouts: { request: 500 },
    spoolPath, breakerCooldown: 3_600_000, maxQueueSize: 1_000_000, env: {}, handleExit: false, logger: quiet,
  });
  const governed = ex.wrap("bench.noop", noop);
  const governedAsync = ex.wrap("bench.anoop", asyncNoop);
  for (let i = 0; i < ex.settings.breakerThreshold; i++) await governed(0); // the refused connections that open it
  if (ex.stats().breaker !== "open") throw new Error("the breaker did not open");
  const sync = summary(await timed(`fail-open, breaker open, ${label} (sync)`, calls, (i) => governed(i)));
  const asyn = summary(await timed(`fail-open, breaker open, ${label} (async)`, calls, (i) => governedAsync(i)));
  rows.push([`fail-open, breaker open, ${label} (sync fn)`, sync, `${(sync.median / bare.median).toFixed(0)}×`]);
  rows.push([`fail-open, breaker open, ${label} (async fn)`, asyn, `${(asyn.median / bare.median).toFixed(0)}×`]);
  await ex.shutdown(100);
}

// -- server up -------------------------------------------------------------------------------
let up = null;
if (!args["skip-server"]) {
  process.stderr.write("starting a live Execlave server (migrate + uvicorn)…\n");
  const server = new LiveServer();
  try {
    await server.prepare();
    await server.start();
    const keys = await server.control("setup", { slug: "bench", agent: "bench-bot" });
    const transport = new Transport(server.baseUrl, keys.sdk_key, 5000);
    const rawCheck = async (i) => {
      const resp = await transport.request("POST", "/api/v1/check", {
        payload: { trace_id: crypto.randomUUID(), agent: "bench-bot", tool: "bench.noop", input: { x: i } },
      });
      if (resp.status !== 200) throw new Error(JSON.stringify(resp.body));
    };
    for (let i = 0; i < 20; i++) await rawCheck(i);
    const check = summary(await timed("check endpoint alone", serverCalls, rawCheck));
    const ex = new Execlave({
      apiKey: keys.sdk_key, agent: "bench-bot", baseUrl: server.baseUrl,
      spoolPath: mkdtempSync(join(tmpdir(), "bench-spool-")), env: {}, handleExit: false, logger: quiet,
    });
    const governed = ex.wrap("bench.noop", ({ x }) => x);
    for (let i = 0; i < 20; i++) await governed({ x: i });
    const wrapped = summary(await timed("wrapped no-op, server up", serverCalls, (i) => governed({ x: i })));
    const flushed = await ex.shutdown(30_000);
    up = { check, wrapped, flushed };
    rows.push(["check endpoint alone (HTTP round trip)", check, ""]);
    rows.push(["wrapped no-op, server up", wrapped, `${((wrapped.median / check.median - 1) * 100).toFixed(1)}% over /check`]);
  } finally {
    await server.close();
  }
}

// -- the Python SDK, same series ------------------------------------------------------------
let python = null;
if (!args["skip-python"]) {
  process.stderr.write("running bench/sdk.py (the Python SDK) for the same series…\n");
  const done = spawnSync(serverPython(), [join(ROOT, "bench", "sdk.py"), "--calls", String(calls), "--server-calls", String(serverCalls), "--json", ...(args["skip-server"] ? ["--skip-server"] : [])], { cwd: ROOT, encoding: "utf8" });
  const line = (done.stdout || "").trim().split("\n").pop();
  try {
    python = JSON.parse(line);
  } catch {
    process.stderr.write(`bench/sdk.py failed:\n${done.stderr}\n`);
  }
}

const fmt = (v) => (v === undefined ? "—" : v >= 100 ? v.toFixed(0) : v.toFixed(2));
console.log("\nexeclave SDK overhead, µs per call (median / p95)\n");
console.log(["series".padEnd(52), "Node median".padStart(12), "Node p95".padStart(10), "ratio".padStart(22), "Python median".padStart(15), "Python p95".padStart(11)].join(" "));
const pyKey = {
  "bare no-op function (awaited)": "bare",
  "fail-open, breaker open, journal spool (sync fn)": "fail-open, breaker open, SQLite spool (sync)",
  "fail-open, breaker open, journal spool (async fn)": "fail-open, breaker open, SQLite spool (async)",
  "fail-open, breaker open, no spool (sync fn)": "fail-open, breaker open, no spool (sync)",
  "fail-open, breaker open, no spool (async fn)": "fail-open, breaker open, no spool (async)",
  "check endpoint alone (HTTP round trip)": "check",
  "wrapped no-op, server up": "wrapped, server up",
};
for (const [label, s, ratio] of rows) {
  const py = python?.[pyKey[label]];
  console.log([label.padEnd(52), fmt(s.median).padStart(12), fmt(s.p95).padStart(10), ratio.padStart(22), fmt(py?.median).padStart(15), fmt(py?.p95).padStart(11)].join(" "));
}
const down = rows.find(([l]) => l.startsWith("fail-open, breaker open, journal spool (sync"))[1];
console.log(`\nbreaker open: ${(down.median / 1000).toFixed(4)} ms per call (goal < 0.1 ms): ${down.median < 100 ? "met" : "NOT met"}`);
if (up) {
  console.log(`server up: the SDK adds ${(up.wrapped.median - up.check.median).toFixed(0)} µs (${((up.wrapped.median / up.check.median - 1) * 100).toFixed(1)} %) to the /check round trip (median); traces delivered: ${up.flushed}`);
  if (python?.check) {
    const p = python["wrapped, server up"].median - python.check.median;
    console.log(`Python SDK, same series: adds ${p.toFixed(0)} µs (${((python["wrapped, server up"].median / python.check.median - 1) * 100).toFixed(1)} %)`);
  }
}
