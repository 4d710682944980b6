// `npm run build`: tsc twice — ESM into dist/esm, CommonJS into dist/cjs — with declarations.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
rmSync(join(root, "dist"), { recursive: true, force: true });
for (const project of ["tsconfig.json", "tsconfig.cjs.json"]) {
  try {
    execFileSync(process.execPath, [tsc, "-p", join(root, project)], { stdio: "inherit", cwd: root });
  } catch {
    process.exit(1); // tsc printed the errors
  }
}
// Mark each tree with its module format so Node reads dist/cjs as CommonJS in a "type": "module" package.
mkdirSync(join(root, "dist", "cjs"), { recursive: true });
writeFileSync(join(root, "dist", "cjs", "package.json"), '{ "type": "commonjs" }\n');
writeFileSync(join(root, "dist", "esm", "package.json"), '{ "type": "module" }\n');
console.log("built dist/esm and dist/cjs");
