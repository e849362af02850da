// Every command in the README works as written: the CLI lines run from the repository root, the library example
// runs, and the pictures and links it names exist.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { ROOT } from "../helpers/cli.js";

const readme = readFileSync(`${ROOT}README.md`, "utf8");

test("README starts with the two newcomer commands", () => {
  const first = readme.slice(0, readme.indexOf("## "));
  assert.match(first, /npm ci && npm run demo/);
  assert.match(first, /npm test/);
});

test("README CLI lines run", () => {
  mkdirSync(`${ROOT}out`, { recursive: true });
  const lines = readme.split("\n").filter((l) => l.startsWith("./bin/demgrad.js "));
  assert.ok(lines.length >= 4);
  for (const line of lines) {
    const args = line.replace("./bin/demgrad.js ", "").split(/\s+/).filter(Boolean);
    const run = spawnSync(process.execPath, [`${ROOT}bin/demgrad.js`, ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(run.status, 0, `${line}: ${run.stderr}`);
  }
});

test("README library example runs", () => {
  const code = /```js\n([\s\S]*?)```/.exec(readme)[1];
  const file = `${ROOT}.readme-example-${process.pid}.mjs`;
  writeFileSync(file, code);
  try {
    const run = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
  } finally {
    rmSync(file, { force: true });
  }
});

test("README links and picture exist", () => {
  for (const [, target] of readme.matchAll(/\]\(([^)#]+)\)/g))
    assert.ok(existsSync(`${ROOT}${target}`), target);
});
