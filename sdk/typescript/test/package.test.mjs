// The package as a user installs it: ESM and CommonJS entry points with the same API, the
// adapters under their subpaths, no runtime dependency.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const require = createRequire(import.meta.url);

test("ESM and CommonJS builds export the same API through the package's exports map", async () => {
  const esm = await import("@execlave/sdk");
  const cjs = require("@execlave/sdk");
  for (const name of ["Execlave", "ActionBlocked", "ApprovalDenied", "ApprovalExpired", "ExeclaveUnavailable", "OutputBlocked", "currentAction", "VERSION"]) {
    assert.ok(esm[name], `ESM lacks ${name}`);
    assert.ok(cjs[name], `CJS lacks ${name}`);
  }
  assert.notEqual(esm.Execlave, cjs.Execlave); // two real builds, not one re-exported
  for (const sub of ["langchain", "ai", "openai-agents"]) {
    assert.equal(typeof (await import(`@execlave/sdk/${sub}`)).governTools, "function");
    assert.equal(typeof require(`@execlave/sdk/${sub}`).governTools, "function");
  }
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url)));
  assert.equal(pkg.dependencies, undefined, "no runtime dependencies");
  assert.equal(esm.VERSION, pkg.version);
});

test("errors carry tool, trace id, policy and reason, and are ExeclaveErrors", async () => {
  const { ActionBlocked, ApprovalDenied, ExeclaveError } = await import("@execlave/sdk");
  const e = new ActionBlocked("email.send", [{ policy: 3, name: "No mail", reason: "mail is off" }], "t-1");
  assert.ok(e instanceof ExeclaveError && e instanceof Error);
  assert.equal(e.name, "ActionBlocked");
  assert.deepEqual([e.tool, e.traceId, e.policy, e.reason], ["email.send", "t-1", "No mail", "mail is off"]);
  const d = new ApprovalDenied("payments.send", { approvalId: "a1", traceId: "t-2", decidedBy: "rita", comment: "no" });
  assert.equal(d.message, "payments.send: approval a1 denied by rita: no");
});

test("a bad cost or tokens value throws at once, naming the field", async () => {
  const { Action } = await import("@execlave/sdk");
  const host = { settings: { agent: "a" }, check: async () => ({}), waitForApproval: async () => {}, warn() {}, submit() {} };
  const action = new Action(host, "orders.lookup", {});
  assert.throws(() => action.record({ cost: "cheap" }), /cost must be a number/);
  assert.throws(() => action.record({ tokens: { prompt: 1.5 } }), /tokens must look like/);
  assert.equal(await action.record({ cost: "0.25" }), undefined);
  assert.equal(action.cost, "0.25");
});

test("npm pack builds dist/ first: a checkout that was never built still packs a working package", () => {
  const root = new URL("..", import.meta.url).pathname;
  const copy = mkdtempSync(join(tmpdir(), "execlave-pack-"));
  try {
    for (const entry of ["package.json", "README.md", "tsconfig.json", "tsconfig.cjs.json", "scripts", "src"]) {
      cpSync(join(root, entry), join(copy, entry), { recursive: true });
    }
    symlinkSync(join(root, "node_modules"), join(copy, "node_modules"));
    const listing = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: copy, encoding: "utf8" }).replace(/^[^[]*/s, ""));
    const files = listing[0].files.map((f) => f.path);
    for (const built of ["dist/esm/index.js", "dist/cjs/index.js", "dist/esm/index.d.ts"]) {
      assert.ok(files.includes(built), `the packed package lacks ${built}`);
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
