// `npm test`: start one live Execlave server (migrated SQLite database, the SDK tests'
// organisation, keys and policies) for every test file, then run `node --test` over
// test/*.test.mjs one file at a time. Each file reaches the server through its own gate
// (test/live.mjs), so "the server is down" costs no restart.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { LiveServer, serverPython, setUpServer } from "./live.mjs";

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, "..", "dist", "esm", "index.js"))) {
  console.error("dist/ is missing: run `npm run build` first");
  process.exit(2);
}
if (!existsSync(serverPython())) {
  console.error(`no Python for the live server at ${serverPython()} (run make install first)`);
  process.exit(2);
}
const started = Date.now();
const server = await setUpServer(new LiveServer());
const info = join(server.workdir, "server.json");
writeFileSync(info, JSON.stringify({ workdir: server.workdir, sqlitePath: server.env.SQLITE_PATH, port: server.port, keys: server.keys }));
console.log(`# live server up (migrated, seeded) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(here).filter((f) => f.endsWith(".test.mjs")).sort().map((f) => join(here, f));
let status = 1;
try {
  const done = spawnSync(process.execPath, ["--test", "--test-concurrency=1", "--test-reporter=spec", ...files], {
    stdio: "inherit",
    env: { ...process.env, EXECLAVE_NODE_TEST_SHARED: info },
  });
  status = done.status ?? 1;
} finally {
  await server.close();
}
process.exit(status);
