// Docs that run: every code block of README.md, executed against the live server.
//   sh   the install block runs against the package as `npm pack` builds it (installed into a
//        fresh project); the environment block must set the variables the SDK reads
//   ts   transpiled (TypeScript's transpileModule) and run with node in that fresh project,
//        where `@execlave/sdk` is the installed tarball
//   ts fragment:NAME   completed by test/readme/NAME.mjs (it defines `model`, a scripted fake)
//        and run beside the package, where the frameworks are installed
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

import ts from "typescript";

import { closeLiveServer, liveServer } from "./live.mjs";

const PKG = join(dirname(fileURLToPath(import.meta.url)), "..");
const README = readFileSync(join(PKG, "README.md"), "utf8");
const BLOCKS = [...README.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```$/gm)].map((m, i) => ({
  index: i,
  lang: m[1],
  fragment: (m[2].match(/fragment:([\w-]+)/) ?? [])[1] ?? null,
  code: m[3],
}));

let server;
let project; // a fresh npm project with the packed SDK installed
const runDir = join(PKG, ".readme-run");

before(async () => {
  server = await liveServer();
  project = mkdtempSync(join(tmpdir(), "execlave-readme-"));
  mkdirSync(runDir, { recursive: true });
});

after(async () => {
  rmSync(project, { recursive: true, force: true });
  rmSync(runDir, { recursive: true, force: true });
  await closeLiveServer();
});

function env(spool) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("EXECLAVE_")));
  return { ...base, EXECLAVE_API_KEY: server.keys.sdk_key, EXECLAVE_BASE_URL: server.baseUrl, EXECLAVE_AGENT: "billing-bot", EXECLAVE_SPOOL_PATH: spool };
}

function run(file, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd, env: env(mkdtempSync(join(tmpdir(), "execlave-readme-spool-"))) });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

async function tracesSince(since) {
  const { body } = await server.api("GET", `/api/v1/traces?${new URLSearchParams({ since: since.toISOString(), limit: "50" })}`);
  return body.traces;
}

function transpile(code) {
  return ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
}

test("the README has the blocks this test knows how to run", () => {
  assert.ok(BLOCKS.length >= 9, `${BLOCKS.length} blocks`);
  for (const block of BLOCKS) assert.ok(["sh", "ts"].includes(block.lang), `block ${block.index}: ${block.lang}`);
});

test("README sh blocks: the install line installs the packed package; the environment block sets what the SDK reads", () => {
  const [install, environment] = BLOCKS.filter((b) => b.lang === "sh");
  // The package is not on the npm registry: the block builds and packs it in the repository
  // (npm ci and the build have run before this test), then installs the file it names.
  const [build, installLine] = install.code.trim().split("\n");
  assert.equal(build.replace(/\s+#.*$/, ""), "cd sdk/typescript && npm ci && npm run build && npm pack");
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", project], { cwd: PKG, encoding: "utf8" }).trim().split("\n").pop();
  assert.match(build, new RegExp(`# writes ${tarball.replaceAll(".", "\\.")}$`), "the tarball the README names is the one npm pack writes");
  const written = `/path/to/execlave/sdk/typescript/${tarball}`;
  assert.equal(installLine.replace(/\s+#.*$/, ""), `npm install ${written}`);
  writeFileSync(join(project, "package.json"), '{ "name": "readme-check", "private": true, "type": "module" }\n');
  execFileSync("bash", ["-c", installLine.replace(/\s+#.*$/, "").replace(written, join(project, tarball)) + " --offline --no-audit --no-fund --loglevel=error"], { cwd: project });
  const set = execFileSync("bash", ["-c", `${environment.code}\nenv`], { encoding: "utf8" });
  for (const name of ["EXECLAVE_API_KEY", "EXECLAVE_BASE_URL", "EXECLAVE_AGENT"]) assert.match(set, new RegExp(`^${name}=`, "m"));
});

test("the README says how to run a block, and no block names an agent of its own", () => {
  // TypeScript with top-level await: Node 20 stops at `node agent.ts` (unknown extension) and at a
  // type annotation in .mjs; tsx compiles a .ts file of a fresh `npm init` project as CommonJS,
  // where top-level await fails. A .mts file run by tsx works in any project.
  assert.match(README, /save one as\s+`agent\.mts`[\s\S]{0,80}`npx tsx agent\.mts`/);
  // The key from the console is bound to the reader's agent (EXECLAVE_AGENT); another name is a 403.
  const named = BLOCKS.filter((b) => b.lang === "ts" && /\bagent:\s*["'`]/.test(b.code)).map((b) => b.index);
  assert.deepEqual(named, [], "these blocks name an agent instead of reading EXECLAVE_AGENT");
});

for (const block of BLOCKS.filter((b) => b.lang === "ts")) {
  const title = block.fragment ? `README block ${block.index} (${block.fragment}, completed by test/readme/${block.fragment}.mjs)` : `README block ${block.index} runs as written`;
  test(title, async () => {
    const since = new Date(Date.now() - 1000);
    let code = transpile(block.code);
    let cwd = project;
    if (block.fragment) {
      cwd = runDir;
      code = readFileSync(join(PKG, "test", "readme", `${block.fragment}.mjs`), "utf8") + "\n" + code.replaceAll('"@openai/agents"', '"@openai/agents-core"');
    }
    const file = join(cwd, `block-${block.index}.mjs`);
    writeFileSync(file, code);
    const approving = block.code.includes("payments.approval") ? server.decideNext(since, "approved") : null;
    const { code: exit, out, err } = await run(file, cwd);
    assert.equal(exit, 0, `block ${block.index} failed:\n${err}\n${out}`);
    if (approving) await approving;
    const traces = await tracesSince(since);
    if (block.code.includes("Execlave.connect")) {
      assert.match(out, /breaker/); // the stats it prints
      return;
    }
    assert.ok(traces.length >= 1, `block ${block.index} left no trace`);
    if (block.fragment) {
      assert.match(out, /Order 7 has shipped\./);
      assert.match(traces[0].tool, /^orders\.lookup(_order|Order)$/);
    }
    if (block.code.includes("governedSendEmail")) {
      const completion = traces[0].events.find((e) => e.kind === "completion");
      assert.deepEqual(completion.input, { to: "ana@example.com", subject: "Your order shipped" });
      assert.match(out, /sent: true/);
    }
  });
}

test("examples/quickstart.mjs runs against the server", async () => {
  const since = new Date();
  const { code, out, err } = await run(join(PKG, "examples", "quickstart.mjs"), PKG);
  assert.equal(code, 0, err);
  assert.match(out, /shipped/);
  const tools = new Set((await tracesSince(since)).map((t) => t.tool));
  assert.ok(tools.has("orders.lookup") && tools.has("payments.refund"), [...tools].join());
});
