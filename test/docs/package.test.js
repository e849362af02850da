// The package as users get it: its licence ships, CommonJS scripts can require it, and an unbuilt checkout's
// command says what to do instead of printing a stack trace.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, test } from "node:test";
import * as library from "../../dist/index.js";
import { ROOT } from "../helpers/cli.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-package-`);
after(() => rmSync(dir, { recursive: true, force: true }));
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8"));

test("the packed package holds the MIT licence and the built library", () => {
  assert.equal(pkg.license, "MIT");
  assert.match(readFileSync(`${ROOT}LICENSE`, "utf8"), /^MIT License\n/);
  const packed = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(packed.status, 0, packed.stderr);
  const files = JSON.parse(packed.stdout)[0].files.map((f) => f.path);
  for (const file of ["LICENSE", "package.json", "bin/demgrad.js", "dist/index.js", "dist/index.d.ts"])
    assert.ok(files.includes(file), `${file} not in the package`);
  assert.ok(!files.some((f) => f.startsWith("test/")), "tests are not shipped");
});

test("no install-time build: npm ci runs no prepare script, packing builds", () => {
  assert.equal(pkg.scripts.prepare, undefined);
  assert.equal(pkg.scripts.prepack, "npm run build");
});

test("require('demgrad') from CommonJS gives the same exports as import", () => {
  const project = `${dir}/cjs`;
  mkdirSync(`${project}/node_modules`, { recursive: true });
  symlinkSync(ROOT, `${project}/node_modules/demgrad`);
  const script = `${project}/use.cjs`;
  copyFileSync(new URL("./package-require.cjs", import.meta.url), script);
  const run = spawnSync(process.execPath, [script], { cwd: project, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, "", "no warning");
  assert.deepEqual(JSON.parse(run.stdout), Object.keys(library).sort());
});

test("an unbuilt checkout's command says to build, in one line, exit 1", () => {
  mkdirSync(`${dir}/checkout/bin`, { recursive: true });
  copyFileSync(`${ROOT}bin/demgrad.js`, `${dir}/checkout/bin/demgrad.js`);
  // (--version alone is answered without the built modules.)
  const run = spawnSync(process.execPath, [`${dir}/checkout/bin/demgrad.js`, "info", "dem.tif"], {
    encoding: "utf8",
  });
  assert.equal(run.status, 1);
  assert.equal(
    run.stderr,
    "demgrad: the command is not built yet: run `npm run build` in the repository first\n",
  );
});
