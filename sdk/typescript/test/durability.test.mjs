// Nothing lost, nothing duplicated: delivery at exit, the spool across a restart, replay in
// order, and a process killed mid-batch. Each test runs agent processes (child_agent.mjs), so
// exit, kill and restart are real.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

import { closeLiveServer, liveServer } from "./live.mjs";

const CHILD = join(dirname(fileURLToPath(import.meta.url)), "child_agent.mjs");
let server;

before(async () => {
  server = await liveServer();
});
after(closeLiveServer);

function childEnv(spool, extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("EXECLAVE_")));
  return {
    ...env,
    EXECLAVE_BASE_URL: server.baseUrl,
    EXECLAVE_API_KEY: server.keys.sdk_key,
    EXECLAVE_AGENT: "billing-bot",
    EXECLAVE_SPOOL_PATH: spool,
    EXECLAVE_FLUSH_INTERVAL: "5",
    EXECLAVE_TIMEOUT: "2",
    ...extra,
  };
}

function runChild(spool, args, extra) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { env: childEnv(spool, extra) });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code, signal) => {
      const last = out.trim().split("\n").filter(Boolean).pop();
      resolve({ code, signal, stderr: err, result: last ? JSON.parse(last) : null });
    });
    child.on("error", reject);
  });
}

async function storedCounts(ids) {
  const counts = [];
  for (const id of ids) counts.push(await server.stored(id));
  return counts;
}

const ones = (n) => Array(n).fill(1);

test("traces are delivered when the script ends, without an explicit flush", async () => {
  const spool = mkdtempSync(join(tmpdir(), "execlave-spool-"));
  const out = await runChild(spool, ["produce", "25"]);
  assert.equal(out.code, 0, out.stderr);
  // flushInterval is 5 s and the script ended at once: only the exit hook sent these
  assert.deepEqual(await storedCounts(out.result.trace_ids), ones(25));
});

test("process.exit() right after the calls: the queue is spooled and the next process delivers it once", async () => {
  const spool = mkdtempSync(join(tmpdir(), "execlave-spool-"));
  const out = await runChild(spool, ["produce-exit", "20"]);
  assert.equal(out.code, 0, out.stderr);
  const ids = out.result.trace_ids;
  const replay = await runChild(spool, ["replay"]);
  assert.equal(replay.result.delivered, true);
  assert.deepEqual(await storedCounts(ids), ones(20));
  assert.deepEqual(await server.arrivalOrder(ids), ids);
});

test("the spool survives a restart and replays once, in order", async () => {
  const spool = mkdtempSync(join(tmpdir(), "execlave-spool-"));
  await server.stop();
  let out;
  try {
    out = await runChild(spool, ["produce", "30"]); // server down: fail-open, spooled at exit
  } finally {
    await server.start();
  }
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.result.ungoverned, true);
  const ids = out.result.trace_ids;
  assert.deepEqual(await storedCounts(ids), Array(30).fill(0));
  const replay = await runChild(spool, ["replay"]); // a new process finds the spool and sends it
  assert.equal(replay.result.delivered, true);
  assert.equal(replay.result.stats.spool_pending, 0);
  assert.deepEqual(await storedCounts(ids), ones(30));
  const again = await runChild(spool, ["replay"]); // and a third has nothing left to send
  assert.equal(again.result.stats.spool_pending, 0);
  assert.equal(again.result.stats.sent, 0);
  assert.deepEqual(await storedCounts(ids), ones(30));
  assert.deepEqual(await server.arrivalOrder(ids), ids); // in the order they happened
});

test("killed mid-batch (SIGKILL after the server took a batch, before the spool knew): delivered exactly once", async () => {
  const spool = mkdtempSync(join(tmpdir(), "execlave-spool-"));
  await server.stop();
  let out;
  try {
    out = await runChild(spool, ["produce", "100"]);
  } finally {
    await server.start();
  }
  const ids = out.result.trace_ids;
  const killed = await runChild(spool, ["replay-kill", "3"], { EXECLAVE_BATCH_SIZE: "20" });
  assert.equal(killed.signal, "SIGKILL");
  const afterKill = await storedCounts(ids);
  assert.deepEqual(afterKill, [...ones(60), ...Array(40).fill(0)]); // batch 3 is in, but not acknowledged
  const replay = await runChild(spool, ["replay"], { EXECLAVE_BATCH_SIZE: "20" });
  assert.equal(replay.result.delivered, true);
  assert.equal(replay.result.stats.sent, 60); // batches 3 (again), 4 and 5
  assert.deepEqual(await storedCounts(ids), ones(100)); // batch 3 re-sent, stored once
  assert.deepEqual(await server.arrivalOrder(ids), ids);
});

test("SIGTERM while calls go on: what was queued is spooled and the next process delivers it", async () => {
  const spool = mkdtempSync(join(tmpdir(), "execlave-spool-"));
  const child = spawn(process.execPath, [CHILD, "produce-forever"], { env: childEnv(spool, { EXECLAVE_FLUSH_INTERVAL: "60" }) });
  const ids = [];
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise((r) => child.on("exit", (code, signal) => r({ code, signal })));
  await new Promise((resolve) =>
    lines.on("line", (line) => {
      ids.push(JSON.parse(line).trace_id);
      if (ids.length === 15) resolve();
    }),
  );
  child.kill("SIGTERM");
  const { signal } = await exited;
  assert.equal(signal, "SIGTERM"); // the SDK spooled, then let the signal end the process
  const replay = await runChild(spool, ["replay"]);
  assert.equal(replay.result.delivered, true);
  assert.deepEqual(await storedCounts(ids.slice(0, 15)), ones(15));
  for (const id of ids) assert.equal(await server.stored(id), 1);
});
