// A real Execlave server for the Node SDK's tests, as tests/sdk/live.py runs it for Python:
// uvicorn serving config.asgi on a free loopback port, against a freshly migrated SQLite
// database in a temporary directory; the project's interpreter (.venv) runs it. The test's
// hands inside the database (create the organisation and keys, decide an approval, count
// ledger entries) are tests/sdk/live_control.py, driven over its JSON-lines stdin.
//
// The SDKs reach the server through a gate: a TCP forwarder on its own loopback port.
// `stop()` closes the gate — the port refuses connections and open ones are cut, exactly what
// an SDK sees of a dead server — and `start()` opens it again on the same port, in
// milliseconds instead of a uvicorn restart. test/run.mjs starts one server for every test
// file (EXECLAVE_NODE_TEST_SHARED); each file opens its own gate and control process to it.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export function serverPython() {
  if (process.env.EXECLAVE_SERVER_PYTHON) return process.env.EXECLAVE_SERVER_PYTHON;
  return join(ROOT, ".venv", "bin", "python");
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** A TCP forwarder to the server that can refuse connections on demand (see above). */
class Gate {
  constructor(targetPort) {
    this.targetPort = targetPort;
    this.server = null;
    this.sockets = new Set();
  }

  async open(port) {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, "127.0.0.1");
      for (const sock of [client, upstream]) {
        this.sockets.add(sock);
        sock.on("close", () => this.sockets.delete(sock));
        sock.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    this.server = server;
    return server.address().port;
  }

  async close() {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const sock of this.sockets) sock.destroy();
    this.sockets.clear();
    await new Promise((resolve) => server.close(resolve));
  }

  get open_() {
    return this.server !== null;
  }
}

export class LiveServer {
  /** A handle on the server test/run.mjs started (same database, own gate and control). */
  static attach(info) {
    const server = new LiveServer({ workdir: info.workdir });
    server.env.SQLITE_PATH = info.sqlitePath;
    server.port = info.port;
    server.keys = info.keys;
    server.attached = true;
    return server;
  }

  constructor({ workdir } = {}) {
    this.python = serverPython();
    this.workdir = workdir ?? mkdtempSync(join(tmpdir(), "execlave-node-live-"));
    this.attached = false;
    this.gate = null;
    this.gatePort = null;
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("EXECLAVE_") && !k.startsWith("PYTEST_")),
    );
    delete env.DATABASE_URL;
    this.env = {
      ...env,
      DJANGO_SETTINGS_MODULE: "config.settings.test",
      // the Python SDK from this tree (the scenario parity test runs it), then the project
      PYTHONPATH: [join(ROOT, "sdk", "python", "src"), ROOT].join(":"),
      SQLITE_PATH: join(this.workdir, "live.sqlite3"),
    };
    this.proc = null;
    this.control_ = null;
    this.keys = {};
  }

  async prepare() {
    const done = spawnSync(this.python, [join(ROOT, "manage.py"), "migrate", "--noinput", "-v", "0"], {
      cwd: ROOT,
      env: this.env,
      encoding: "utf8",
      timeout: 300_000,
    });
    if (done.status !== 0) throw new Error(`migrate failed:\n${done.stdout}\n${done.stderr}`);
  }

  /** Serve (the first time), then open the gate: the SDKs can reach the server again. */
  async start() {
    if (!this.attached && !this.proc) await this.startProcess();
    if (this.gate?.open_) throw new Error("already running");
    this.gate ??= new Gate(this.port);
    this.gatePort = await this.gate.open(this.gatePort ?? 0);
    this.baseUrl = `http://127.0.0.1:${this.gatePort}`;
  }

  /** Close the gate: connections to baseUrl are refused, as from a server that died. */
  async stop() {
    await this.gate?.close();
  }

  get running() {
    return Boolean(this.gate?.open_);
  }

  async startProcess() {
    this.port ??= await freePort();
    const url = `http://127.0.0.1:${this.port}`;
    const log = openSync(join(this.workdir, "server.log"), "a");
    this.proc = spawn(
      this.python,
      ["-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", String(this.port),
        "--log-level", "warning", "--timeout-graceful-shutdown", "2"],
      { cwd: ROOT, env: this.env, stdio: ["ignore", log, log] },
    );
    // A cap on waiting for conditions (it answers), not a time anything waits for: on a loaded
    // machine the first answer may take seconds, and is waited for rather than asked again.
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`live server exited:\n${this.log()}`);
      try {
        const resp = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(Math.max(2000, deadline - Date.now())) });
        if (resp.status === 200) return;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`live server did not start:\n${this.log()}`);
  }

  async close() {
    await this.gate?.close();
    if (this.control_) {
      this.control_.proc.stdin.end();
      this.control_ = null;
    }
    if (this.attached) return; // test/run.mjs owns the process and its directory
    if (this.proc) {
      const proc = this.proc;
      this.proc = null;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGKILL");
      await exited;
    }
    rmSync(this.workdir, { recursive: true, force: true });
  }

  log() {
    try {
      return readFileSync(join(this.workdir, "server.log"), "utf8").slice(-5000);
    } catch {
      return "";
    }
  }

  /** One command of tests/sdk/live_commands.py inside the server's database. */
  control(command, args = {}) {
    if (!this.control_) {
      const log = openSync(join(this.workdir, "control.log"), "a"); // django-q's chatter, tracebacks
      const proc = spawn(this.python, [join(ROOT, "tests", "sdk", "live_control.py")], {
        cwd: ROOT,
        env: this.env,
        stdio: ["pipe", "pipe", log],
      });
      const lines = createInterface({ input: proc.stdout });
      const waiting = [];
      lines.on("line", (line) => waiting.shift()?.(line));
      this.control_ = { proc, waiting, chain: Promise.resolve() };
    }
    const ctl = this.control_;
    const result = ctl.chain.then(
      () =>
        new Promise((resolveLine) => {
          ctl.waiting.push(resolveLine);
          ctl.proc.stdin.write(JSON.stringify({ command, args }) + "\n");
        }),
    );
    ctl.chain = result.catch(() => {});
    return result.then((line) => {
      const answer = JSON.parse(line);
      if (!answer.ok) throw new Error(`${command} failed: ${answer.error}\n${answer.traceback}`);
      return answer.result;
    });
  }

  async api(method, path, { key, payload } = {}) {
    const resp = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key ?? this.keys.sdk_key}`, "Content-Type": "application/json" },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const text = await resp.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: resp.status, body };
  }

  // -- what the tests ask ------------------------------------------------------------------
  stored(traceId) {
    return this.control("ledger_count", { organisation_id: this.keys.organisation_id, trace_id: traceId, kind: "completion" });
  }

  arrivalOrder(traceIds) {
    return this.control("completion_order", { organisation_id: this.keys.organisation_id, trace_ids: traceIds });
  }

  async trace(traceId) {
    const { status, body } = await this.api("GET", `/api/v1/traces/${traceId}`);
    if (status !== 200) throw new Error(`GET trace ${traceId}: ${status} ${JSON.stringify(body)}`);
    return flatten(body);
  }

  pendingApproval(since) {
    return this.control("pending_approval", { organisation_id: this.keys.organisation_id, since: since.toISOString() });
  }

  decide(approvalId, status, comment = "") {
    return this.control("decide", { approval_id: approvalId, status, comment });
  }

  /** Decide the next approval requested after `since`, as a reviewer in the queue would. */
  async decideNext(since, status, comment = "") {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const id = await this.pendingApproval(since);
      if (id) return this.decide(id, status, comment);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("no approval was requested in time");
  }
}

/** One trace of the API as the SDK sent its completion (plus the events). */
export function flatten(body) {
  const completion = body.events.find((e) => e.kind === "completion") ?? {};
  const client = completion.client ?? {};
  return {
    trace_id: body.trace_id,
    tool: body.tool,
    agent: body.agent,
    status: completion.status ?? null,
    input: completion.input,
    output: completion.output,
    metadata: client.metadata ?? {},
    events: body.events,
  };
}

let shared = null;

/** The live server with the SDK tests' organisation and policies: test/run.mjs's, else our own. */
export async function liveServer() {
  if (shared) return shared;
  const python = serverPython();
  if (!existsSync(python)) throw new Error(`no Python for the server at ${python} (make install creates .venv)`);
  const info = process.env.EXECLAVE_NODE_TEST_SHARED;
  if (info) {
    const server = LiveServer.attach(JSON.parse(readFileSync(info, "utf8")));
    await server.start();
    shared = server;
    return server;
  }
  shared = await setUpServer(new LiveServer());
  return shared;
}

/** Migrate (or copy the template), serve, create the organisation, keys and policies. */
export async function setUpServer(server) {
  await server.prepare();
  await server.start();
  server.keys = await server.control("setup", { slug: "node-acme", agent: "billing-bot" });
  await server.control("setup_policies", { organisation_id: server.keys.organisation_id });
  return server;
}

export async function closeLiveServer() {
  if (shared) await shared.close();
  shared = null;
}

/** A logger that keeps the SDK's lines for assertions. */
export function captureLogger() {
  const lines = [];
  const logger = {
    lines,
    debug: (m) => lines.push(["debug", m]),
    info: (m) => lines.push(["info", m]),
    warn: (m) => lines.push(["warn", m]),
    error: (m) => lines.push(["error", m]),
    text: (level) => lines.filter(([l]) => !level || l === level).map(([, m]) => m),
  };
  return logger;
}
