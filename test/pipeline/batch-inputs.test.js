// batch's input patterns: a quoted pattern may glob any path component (`tiles/*/n*.tif`, `**`), like the shell.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, test } from "node:test";
import { expandInputs } from "../../dist/pipeline/batch.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-inputs-`);
after(() => rmSync(dir, { recursive: true, force: true }));
for (const file of ["a/n1.tif", "b/n2.tif", "b/deep/n3.tif", "b/notes.txt", "c/s1.tif"]) {
  mkdirSync(`${dir}/tiles/${file.replace(/\/[^/]+$/, "")}`, { recursive: true });
  writeFileSync(`${dir}/tiles/${file}`, "");
}

test("a folder wildcard and ** reach every matching file, sorted, in the pattern's form", () => {
  assert.deepEqual(expandInputs([`${dir}/tiles/*/n*.tif`]), [
    `${dir}/tiles/a/n1.tif`,
    `${dir}/tiles/b/n2.tif`,
  ]);
  assert.deepEqual(expandInputs([`${dir}/tiles/**/*.tif`]), [
    `${dir}/tiles/a/n1.tif`,
    `${dir}/tiles/b/deep/n3.tif`,
    `${dir}/tiles/b/n2.tif`,
    `${dir}/tiles/c/s1.tif`,
  ]);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    assert.deepEqual(expandInputs(["tiles/{a,c}/*.tif"]), ["tiles/a/n1.tif", "tiles/c/s1.tif"]);
  } finally {
    process.chdir(cwd);
  }
});

test("plain names pass through (even missing ones: they fail as tiles), a file named twice is one", () => {
  assert.deepEqual(expandInputs([`${dir}/tiles/a/n1.tif`, `${dir}/tiles/a/../a/n1.tif`, `${dir}/none.tif`]), [
    `${dir}/none.tif`,
    `${dir}/tiles/a/n1.tif`,
  ]);
});

test("a pattern that matches nothing is a usage error naming it", () => {
  assert.throws(() => expandInputs([`${dir}/tiles/*/x*.tif`]), {
    code: "USAGE",
    message: `no file matches ${dir}/tiles/*/x*.tif`,
  });
});
