// The scripts in examples/ run as a user would run them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { ROOT } from "../helpers/cli.js";

test("examples/slope-by-elevation.js prints a table and writes its PNG", () => {
  const run = spawnSync(process.execPath, ["examples/slope-by-elevation.js"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /elevation \(m\)\s+cells\s+mean slope/);
  assert.ok(run.stdout.split("\n").filter((l) => /^\d+–\d+/.test(l)).length >= 4, run.stdout);
  assert.ok(existsSync(`${ROOT}out/steep-ground.png`) && existsSync(`${ROOT}out/steep-ground.pgw`));
});
