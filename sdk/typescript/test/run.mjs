// `npm test`: migrate one SQLite database for the live servers of every test file (each copies
// it instead of migrating again), then run `node --test` over test/*.test.mjs, one file at a time.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { LiveServer, serverPython } from "./live.mjs";

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, "..", "dist", "esm", "index.js"))) {
  console.error("dist/ is missing: run `npm run build` first");
  process.exit(2);
}
if (!existsSync(serverPython())) {
  console.error(`no Python for the live server at ${serverPython()} (run make install first)`);
  process.exit(2);
}
const templateDir = mkdtempSync(join(tmpdir(), "execlave-node-template-"));
const template = join(templateDir, "template.sqlite3");
const started = Date.now();
const server = new LiveServer();
server.env.SQLITE_PATH = template;
await server.prepare();
await server.close();
console.log(`# migrated the template database in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(here).filter((f) => f.endsWith(".test.mjs")).sort().map((f) => join(here, f));
const done = spawnSync(process.execPath, ["--test", "--test-concurrency=1", "--test-reporter=spec", ...files], {
  stdio: "inherit",
  env: { ...process.env, EXECLAVE_NODE_TEST_TEMPLATE_DB: template },
});
rmSync(templateDir, { recursive: true, force: true });
process.exit(done.status ?? 1);
