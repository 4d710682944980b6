// The decisions end to end against the live server: allow, block, warn, approvals (approved,
// denied, expired on the client and on the server, on_timeout=allow), output checks,
// fail-open and fail-closed with the server stopped, batching, errors, the start-up check,
// and the log lines that keep an outage or a paused call from being silent.
//
// Tool names carry the decision the server is set up to take (tests/sdk/live_commands.py):
// *.blocked is blocked, *.warned warned, *.approval / *.expiring / *.lenient need approval,
// *.output has an output policy that blocks results containing "SECRET".
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import {
  ActionBlocked,
  ApiError,
  ApprovalDenied,
  ApprovalExpired,
  AuthenticationError,
  ConfigurationError,
  Execlave,
  ExeclaveUnavailable,
  OutputBlocked,
  currentAction,
} from "../dist/esm/index.js";
import { captureLogger, closeLiveServer, freePort, liveServer } from "./live.mjs";

let server;
const clients = [];

function client(opts = {}) {
  const logger = opts.logger ?? captureLogger();
  const ex = new Execlave({
    apiKey: server.keys.sdk_key,
    baseUrl: server.baseUrl,
    agent: "billing-bot",
    spoolPath: mkdtempSync(join(tmpdir(), "execlave-spool-")),
    flushInterval: 50,
    env: {},
    handleExit: false,
    ...opts,
    logger,
  });
  ex.logger_ = logger;
  clients.push(ex);
  return ex;
}

before(async () => {
  server = await liveServer();
});

after(async () => {
  for (const ex of clients) await ex.shutdown(2000);
  await closeLiveServer();
});

async function ensureRunning() {
  if (!server.running) await server.start();
}

test("an allowed tool runs, and its trace arrives with input, output, cost and tokens", async () => {
  const ex = client();
  const lookup = ex.wrap("orders.lookup", async ({ orderId }) => {
    currentAction().record({ cost: 0.002, tokens: { prompt: 12, completion: 30 } });
    return { orderId, status: "shipped" };
  });
  assert.deepEqual(await lookup({ orderId: 42 }), { orderId: 42, status: "shipped" });
  let traceId;
  const result = await ex.action("email.send", { input: { to: "a@example.com" } }, async (action) => {
    traceId = action.traceId;
    await action.record({ output: { sent: true }, cost: 0.01 });
    return "done";
  });
  assert.equal(result, "done");
  assert.equal(await ex.flush(10_000), true);
  const trace = await server.trace(traceId);
  assert.equal(trace.status, "ok");
  assert.equal(trace.tool, "email.send");
  assert.deepEqual(trace.input, { to: "a@example.com" });
  assert.deepEqual(trace.output, { sent: true });
  assert.equal(await server.stored(traceId), 1);
  assert.equal(trace.events.find((e) => e.kind === "decision").decision, "allow");
});

test("a synchronous function is governed too, and positional arguments can be named", async () => {
  const ex = client();
  const add = ex.wrap("math.add", (a, b) => a + b, { params: ["a", "b"] });
  let traceId;
  const governed = ex.wrap("math.add", (a, b) => {
    traceId = currentAction().traceId;
    return a * b;
  }, { params: ["a", "b"] });
  assert.equal(await add(2, 3), 5);
  assert.equal(await governed(2, 3), 6);
  await ex.flush(10_000);
  assert.deepEqual((await server.trace(traceId)).input, { a: 2, b: 3 });
});

test("a blocked tool does not run and throws ActionBlocked with policy, reason and trace id", async () => {
  const ex = client();
  const ran = [];
  const drop = ex.wrap("database.blocked", ({ table }) => ran.push(table));
  const error = await drop({ table: "users" }).catch((e) => e);
  assert.ok(error instanceof ActionBlocked);
  assert.deepEqual(ran, []);
  assert.equal(error.policy, "Block *.blocked");
  assert.match(error.reason, /restricted action/);
  assert.match(error.traceId, /^[0-9a-f-]{36}$/);
  await ex.flush(10_000);
  assert.equal((await server.trace(error.traceId)).status, "blocked");
});

test("a warned tool runs and the warning is logged", async () => {
  const ex = client();
  let action;
  await ex.action("crm.warned", { input: { q: "x" } }, async (a) => {
    action = a;
    await a.record({ output: "fine" });
  });
  assert.equal(action.decision.decision, "warn");
  assert.ok(ex.logger_.text("warn").some((m) => m.includes("allowed with warnings")));
});

test("an approval granted by a reviewer lets the tool run; the wait is logged with the review URL and the hook is called", async () => {
  const pending = [];
  const ex = client({ timeouts: { approval: 60_000 }, onApprovalPending: (info) => pending.push(info) });
  const since = new Date();
  const decided = server.decideNext(since, "approved");
  const ran = [];
  const pay = ex.wrap("payments.approval", async ({ amount }) => {
    ran.push(amount);
    return "paid";
  });
  assert.equal(await pay({ amount: 5000 }), "paid");
  await decided;
  assert.deepEqual(ran, [5000]);
  assert.equal(pending.length, 1);
  assert.equal(pending[0].tool, "payments.approval");
  assert.equal(pending[0].reviewUrl, `${server.baseUrl}/approvals/${pending[0].approvalId}/`);
  const info = ex.logger_.text("info").find((m) => m.includes("paused for approval"));
  assert.ok(info, JSON.stringify(ex.logger_.lines));
  assert.ok(info.includes(pending[0].approvalId) && info.includes(pending[0].reviewUrl));
  // the reviewer URL is a real page of the server
  const page = await fetch(pending[0].reviewUrl, { redirect: "manual" });
  assert.ok([200, 302].includes(page.status), String(page.status));
});

test("an approval denied by a reviewer throws ApprovalDenied with the comment, and the tool does not run", async () => {
  const ex = client({ timeouts: { approval: 60_000 } });
  const since = new Date();
  const decided = server.decideNext(since, "denied", "not today");
  const ran = [];
  const pay = ex.wrap("payments.approval", async ({ amount }) => ran.push(amount));
  const error = await pay({ amount: 5000 }).catch((e) => e);
  await decided;
  assert.ok(error instanceof ApprovalDenied, String(error));
  assert.match(error.message, /not today/);
  assert.deepEqual(ran, []);
  await ex.flush(10_000);
  const trace = await server.trace(error.traceId);
  assert.equal(trace.status, "denied");
  assert.equal(trace.metadata.execlave.approval.status, "denied");
});

test("an approval nobody decides within the client's timeout throws ApprovalExpired", async () => {
  const ex = client({ timeouts: { approval: 1500 } });
  const started = Date.now();
  const error = await ex
    .action("payments.approval", { input: { amount: 1 } }, () => {
      throw new Error("must not run");
    })
    .catch((e) => e);
  assert.ok(error instanceof ApprovalExpired, String(error));
  assert.equal(error.clientTimeout, true);
  const took = Date.now() - started;
  assert.ok(took > 1000 && took < 10_000, String(took));
});

test("an approval expiring on the server throws ApprovalExpired; on_timeout=allow lets the call run", async () => {
  const ex = client();
  const [expired, lenient] = await Promise.all([
    ex.action("payments.expiring", { input: { amount: 1 } }, () => {
      throw new Error("must not run");
    }).catch((e) => e),
    ex.action("payments.lenient", { input: { amount: 1 } }, () => "ran"),
  ]);
  assert.ok(expired instanceof ApprovalExpired, String(expired));
  assert.equal(expired.clientTimeout, false);
  assert.equal(lenient, "ran");
  await ex.flush(10_000);
  assert.equal((await server.trace(expired.traceId)).status, "denied");
  // progress while waiting: at least the pause line for each
  assert.equal(ex.logger_.text("info").filter((m) => m.includes("paused for approval")).length, 2);
});

test("a blocked output is withheld: OutputBlocked, and the ledger does not get it either", async () => {
  const ex = client();
  const readPublic = ex.wrap("vault.output", async ({ key }) => `public value of ${key}`);
  const read = ex.wrap("vault.output", async ({ key }) => `the SECRET for ${key}`);
  assert.equal(await readPublic({ key: "k" }), "public value of k");
  const error = await read({ key: "k" }).catch((e) => e);
  assert.ok(error instanceof OutputBlocked, String(error));
  await ex.flush(10_000);
  const trace = await server.trace(error.traceId);
  assert.equal(trace.status, "blocked");
  assert.equal(trace.output, null);
});

test("an error thrown by the tool is re-thrown and traced as error", async () => {
  const ex = client();
  const failing = ex.wrap("orders.lookup", async () => {
    throw new TypeError("no such order");
  });
  let traceId;
  await assert.rejects(
    ex.action("orders.lookup", {}, async (a) => {
      traceId = a.traceId;
      await failing();
    }),
    TypeError,
  );
  await ex.flush(10_000);
  const trace = await server.trace(traceId);
  assert.equal(trace.status, "error");
  assert.deepEqual(trace.metadata.execlave.error, { type: "TypeError", message: "no such order" });
});

test("traces are batched: 35 calls reach the server in a few requests, in order", async () => {
  const posts = [];
  const countingFetch = async (url, init) => {
    if (String(url).endsWith("/api/v1/traces")) posts.push(JSON.parse(init.body).traces.length);
    return fetch(url, init);
  };
  const ex = client({ batchSize: 10, flushInterval: 5000, fetch: countingFetch });
  const echo = ex.wrap("demo.echo", async ({ i }) => i);
  const ids = [];
  for (let i = 0; i < 35; i++) {
    await ex.action("demo.echo", { input: { i } }, async (a) => {
      ids.push(a.traceId);
      return echo({ i });
    });
  }
  assert.equal(await ex.flush(10_000), true);
  assert.ok(posts.every((n) => n <= 10), JSON.stringify(posts));
  assert.ok(posts.length <= 10, JSON.stringify(posts)); // batched, not one request per trace
  assert.deepEqual(await server.arrivalOrder(ids), ids);
});

test("fail-open with the server stopped: the tool runs, a WARNING names the base URL and reason, the breaker stops calling, one line when it is back", async () => {
  const ex = client({ breakerThreshold: 1, breakerCooldown: 1000, timeouts: { request: 1000 } });
  await server.stop();
  try {
    const ran = [];
    const drop = ex.wrap("database.blocked", ({ table }) => {
      ran.push(table);
      return currentAction().traceId;
    });
    const first = await drop({ table: "first" }); // one refused connection opens the breaker
    assert.equal(ex.stats().breaker, "open");
    const later = [];
    for (let i = 0; i < 5; i++) later.push(await drop({ table: String(i) }));
    assert.equal(ran.length, 6);
    const warnings = ex.logger_.text("warn");
    assert.equal(warnings.length, 1, JSON.stringify(warnings)); // one line, not one per call
    assert.ok(warnings[0].includes(server.baseUrl) && /UNGOVERNED/.test(warnings[0]) && /unreachable/.test(warnings[0]));
    await server.start();
    await new Promise((r) => setTimeout(r, 1100)); // the breaker's cool-down
    await drop({ table: "after" }); // governed again: blocked
    assert.fail("the server is back: database.blocked must be blocked");
  } catch (error) {
    if (!(error instanceof ActionBlocked)) throw error;
    const back = ex.logger_.text("info").filter((m) => m.includes("reachable again"));
    assert.equal(back.length, 1);
    assert.match(back[0], /6 ran ungoverned/);
  } finally {
    await ensureRunning();
  }
  assert.equal(await ex.flush(10_000), true);
});

test("one summary line a minute while ungoverned calls go on", async () => {
  const { OutageReporter } = await import("../dist/esm/outage.js");
  const logger = captureLogger();
  const reporter = new OutageReporter("http://127.0.0.1:9", logger, 100);
  for (let i = 0; i < 13; i++) reporter.ungoverned("orders.lookup", "server unreachable: ECONNREFUSED");
  const deadline = Date.now() + 10_000;
  while (logger.text("warn").length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 350)); // quiet intervals add no line
  reporter.recovered();
  const warn = logger.text("warn");
  assert.equal(warn.length, 2, JSON.stringify(warn));
  assert.match(warn[1], /^execlave: 12 calls ran ungoverned in the last minute/);
  assert.match(logger.text("info")[0], /reachable again; calls are governed \(13 ran ungoverned/);
});

test("fail-closed with the server stopped: ExeclaveUnavailable, the tool does not run", async () => {
  const ex = client({ failMode: "closed", timeouts: { request: 1000 } });
  await server.stop();
  try {
    const ran = [];
    const lookup = ex.wrap("orders.lookup", ({ orderId }) => ran.push(orderId));
    const error = await lookup({ orderId: 1 }).catch((e) => e);
    assert.ok(error instanceof ExeclaveUnavailable, String(error));
    assert.match(error.message, /fail-closed/);
    assert.ok(error.message.includes(server.baseUrl));
    assert.deepEqual(ran, []);
    assert.match(error.traceId, /^[0-9a-f-]{36}$/);
  } finally {
    await ensureRunning();
  }
});

test("verify: a wrong URL or key fails fast at start-up; a right one passes", async () => {
  const ok = await Execlave.connect({
    apiKey: server.keys.sdk_key, baseUrl: server.baseUrl, agent: "billing-bot", spoolPath: false, env: {}, handleExit: false,
  });
  assert.deepEqual((await ok.ready).scopes.sort(), ["check", "ingest", "read"]);
  await ok.shutdown();
  const dead = `http://127.0.0.1:${await freePort()}`;
  await assert.rejects(
    Execlave.connect({ apiKey: "exk_live_x", baseUrl: dead, agent: "billing-bot", spoolPath: false, env: {}, handleExit: false, logger: captureLogger() }),
    (e) => e instanceof ExeclaveUnavailable && e.message.includes(dead),
  );
  await assert.rejects(
    Execlave.connect({ apiKey: "exk_live_wrong", baseUrl: server.baseUrl, agent: "billing-bot", spoolPath: false, env: {}, handleExit: false, logger: captureLogger() }),
    // The server's message, not its JSON envelope, and where the key comes from.
    (e) => e instanceof AuthenticationError && e.message.endsWith("(401): Malformed API key. (check EXECLAVE_API_KEY or the apiKey option)"),
  );
  await assert.rejects(
    Execlave.connect({ apiKey: server.keys.sdk_key, baseUrl: server.baseUrl, agent: "other-bot", spoolPath: false, env: {}, handleExit: false, logger: captureLogger() }),
    /belongs to agent "billing-bot"/,
  );
  // verify: true without awaiting: the first governed call throws the start-up error
  const lazy = client({ apiKey: "exk_live_wrong", verify: true });
  await assert.rejects(lazy.wrap("orders.lookup", () => 1)(), AuthenticationError);
});

test("a base URL that is not the server's root (…/api/v1, another path) is named, not quoted as HTML", async () => {
  // Session 16's tryout: EXECLAVE_BASE_URL=http://host:port/api/v1 threw an ApiError quoting
  // 500 characters of the 404 page's HTML (or a bare "Not found.").
  for (const suffix of ["/api/v1", "/elsewhere"]) {
    const ex = client({ baseUrl: server.baseUrl + suffix });
    await assert.rejects(ex.wrap("orders.lookup", () => 1)(), (e) => {
      assert.ok(e instanceof ApiError, String(e));
      assert.equal(e.status, 404);
      assert.ok(!e.message.includes("<"), e.message);
      assert.ok(e.message.includes(`${server.baseUrl}${suffix} answered with a web page, not Execlave's API`), e.message);
      assert.ok(e.message.includes("without /api/v1"), e.message);
      return true;
    });
  }
});

test("settings come from EXECLAVE_* (seconds, as for Python) and bad ones fail at construction", () => {
  const ex = new Execlave({
    env: { EXECLAVE_API_KEY: "exk_live_x", EXECLAVE_AGENT: "a", EXECLAVE_BASE_URL: "http://h:1/", EXECLAVE_TIMEOUT: "2", EXECLAVE_FAIL_MODE: "closed", EXECLAVE_SPOOL_PATH: "off" },
    handleExit: false,
  });
  assert.equal(ex.settings.baseUrl, "http://h:1");
  assert.equal(ex.settings.timeout, 2000);
  assert.equal(ex.settings.failMode, "closed");
  assert.equal(ex.spoolPath, null);
  assert.throws(() => new Execlave({ env: { EXECLAVE_AGENT: "a" } }), ConfigurationError);
  assert.throws(() => new Execlave({ apiKey: "k", agent: "a", baseUrl: "ftp://x", env: {} }), /baseUrl must be an http/);
  assert.throws(() => new Execlave({ apiKey: "k", agent: "a", failMode: "maybe", env: {} }), /failMode/);
  assert.throws(() => new Execlave({ apiKey: "k", agent: "a", batchSize: 5000, env: {} }), /batchSize/);
  assert.throws(() => ex.wrap("not a tool name", () => 1), /tool name/);
});
