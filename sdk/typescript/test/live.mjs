// A real Execlave server for the Node SDK's tests, as tests/sdk/live.py runs it for Python:
// uvicorn serving config.asgi on a free loopback port, against a freshly migrated SQLite
// database in a temporary directory; the project's interpreter (.venv) runs it. The test's
// hands inside the database (create the organisation and keys, decide an approval, count
// ledger entries) are tests/sdk/live_control.py, driven over its JSON-lines stdin.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
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

export class LiveServer {
  constructor() {
    this.python = serverPython();
    this.workdir = mkdtempSync(join(tmpdir(), "execlave-node-live-"));
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
    const template = process.env.EXECLAVE_NODE_TEST_TEMPLATE_DB;
    if (template && existsSync(template)) {
      copyFileSync(template, this.env.SQLITE_PATH); // migrated once by test/run.mjs
      return;
    }
    const done = spawnSync(this.python, [join(ROOT, "manage.py"), "migrate", "--noinput", "-v", "0"], {
      cwd: ROOT,
      env: this.env,
      encoding: "utf8",
      timeout: 300_000,
    });
    if (done.status !== 0) throw new Error(`migrate failed:\n${done.stdout}\n${done.stderr}`);
  }

  async start() {
    if (this.proc) throw new Error("already running");
    this.port ??= await freePort();
    this.baseUrl = `http://127.0.0.1:${this.port}`;
    const log = openSync(join(this.workdir, "server.log"), "a");
    this.proc = spawn(
      this.python,
      ["-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", String(this.port),
        "--log-level", "warning", "--timeout-graceful-shutdown", "2"],
      { cwd: ROOT, env: this.env, stdio: ["ignore", log, log] },
    );
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`live server exited:\n${this.log()}`);
      try {
        const resp = await fetch(`${this.baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
        if (resp.status === 200) return;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`live server did not start:\n${this.log()}`);
  }

  async stop() {
    if (!this.proc) return;
    const proc = this.proc;
    this.proc = null;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGKILL");
    await exited;
  }

  get running() {
    return this.proc !== null;
  }

  async close() {
    await this.stop();
    if (this.control_) {
      this.control_.proc.stdin.end();
      this.control_ = null;
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

/** The session's live server (one per test file), with the SDK tests' organisation and policies. */
export async function liveServer() {
  if (shared) return shared;
  const python = serverPython();
  if (!existsSync(python)) throw new Error(`no Python for the server at ${python} (make install creates .venv)`);
  const server = new LiveServer();
  await server.prepare();
  await server.start();
  server.keys = await server.control("setup", { slug: "node-acme", agent: "billing-bot" });
  await server.control("setup_policies", { organisation_id: server.keys.organisation_id });
  shared = server;
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
