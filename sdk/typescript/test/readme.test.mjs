// Docs that run: every code block of README.md, executed against the live server.
//   sh   the install block runs against the package as `npm pack` builds it (installed into a
//        fresh project); the environment block must set the variables the SDK reads
//   js   as written: saved under the file name the README gives and run with the command it
//        gives (`node agent.mjs`), in that fresh project, where `@execlave/sdk` is the
//        installed tarball. (They were TypeScript, transpiled here before they ran, while the
//        README told readers to run them with `npx tsx`: never run as a reader would.)
//   js fragment:NAME   completed by test/readme/NAME.mjs (it defines `model`, a scripted fake)
//        and run beside the package, where the frameworks are installed
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

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

// How the README says to run a block: the file to save it as and the command to run.
const HOW = README.match(/save one as\s+`([\w.-]+)`[\s\S]{0,80}?run\s+`([^`]+)`/);

function run(file, cwd, command = null) {
  return new Promise((resolve) => {
    const spool = env(mkdtempSync(join(tmpdir(), "execlave-readme-spool-")));
    // The command as a reader types it, with this Node first on the PATH.
    const child = command
      ? spawn("bash", ["-c", command], { cwd, env: { ...spool, PATH: `${dirname(process.execPath)}:${process.env.PATH}` } })
      : spawn(process.execPath, [file], { cwd, env: spool });
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

test("the README has the blocks this test knows how to run", () => {
  assert.ok(BLOCKS.length >= 9, `${BLOCKS.length} blocks`);
  for (const block of BLOCKS) assert.ok(["sh", "js"].includes(block.lang), `block ${block.index}: ${block.lang}`);
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
  writeFileSync(join(project, "package.json"), '{ "name": "readme-check", "private": true }\n');
  execFileSync("bash", ["-c", installLine.replace(/\s+#.*$/, "").replace(written, join(project, tarball)) + " --offline --no-audit --no-fund --loglevel=error"], { cwd: project });
  const set = execFileSync("bash", ["-c", `${environment.code}\nenv`], { encoding: "utf8" });
  for (const name of ["EXECLAVE_API_KEY", "EXECLAVE_BASE_URL", "EXECLAVE_AGENT"]) assert.match(set, new RegExp(`^${name}=`, "m"));
});

test("the README says how to run a block, and no block names an agent of its own", () => {
  // Plain JavaScript with top-level await: an .mjs file is a module in any project (a fresh
  // `npm init` one is CommonJS), and Node >= 18 runs it with nothing else installed.
  assert.ok(HOW, "the README says which file to save a block as and how to run it");
  assert.deepEqual([HOW[1], HOW[2]], ["agent.mjs", "node agent.mjs"]);
  // The key from the console is bound to the reader's agent (EXECLAVE_AGENT); another name is a 403.
  const named = BLOCKS.filter((b) => b.lang === "js" && /\bagent:\s*["'`]/.test(b.code)).map((b) => b.index);
  assert.deepEqual(named, [], "these blocks name an agent instead of reading EXECLAVE_AGENT");
});

for (const block of BLOCKS.filter((b) => b.lang === "js")) {
  const title = block.fragment ? `README block ${block.index} (${block.fragment}, completed by test/readme/${block.fragment}.mjs)` : `README block ${block.index} runs as written (saved as agent.mjs, run with node agent.mjs)`;
  test(title, async () => {
    const since = new Date(Date.now() - 1000);
    let result;
    const approving = block.code.includes("payments.approval") ? server.decideNext(since, "approved") : null;
    if (block.fragment) {
      const code = readFileSync(join(PKG, "test", "readme", `${block.fragment}.mjs`), "utf8") + "\n" + block.code.replaceAll('"@openai/agents"', '"@openai/agents-core"');
      const file = join(runDir, `block-${block.index}.mjs`);
      writeFileSync(file, code);
      result = await run(file, runDir);
    } else {
      // Verbatim: the block's text, byte for byte, under the README's file name, run with the
      // README's command in the fresh project where only the packed SDK is installed.
      writeFileSync(join(project, HOW[1]), block.code);
      result = await run(null, project, HOW[2]);
    }
    const { code: exit, out, err } = result;
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
