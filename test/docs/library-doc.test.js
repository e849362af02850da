// Every ```js example in docs/library.md runs as written (from the repository root, importing "demgrad").
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { ROOT } from "../helpers/cli.js";

const doc = readFileSync(`${ROOT}docs/library.md`, "utf8");
const examples = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test("docs/library.md has an example for every section", () => {
  assert.ok(examples.length >= 6);
});

examples.forEach((code, i) => {
  test(`library example ${i + 1} runs`, () => {
    const file = `${ROOT}.example-${process.pid}-${i}.mjs`;
    writeFileSync(file, code);
    try {
      const run = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
      assert.equal(run.status, 0, run.stderr);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
