// How many threads compute: the default --threads (cores − 1, at most libuv's threadpool size), and batch, which never
// oversubscribes the cores: --jobs tiles at once, each with --threads strip threads, stay within the machine's cores
// (threads per tile are cut down, with one warning); the outputs do not depend on it.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { after, test } from "node:test";
import { processBatch } from "../../dist/index.js";
import { defaultThreads } from "../../dist/options/common.js";
import { tileThreads } from "../../dist/pipeline/batch.js";
import { sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-batch-threads-`);
after(() => rmSync(dir, { recursive: true, force: true }));

test("default --threads: cores − 1, at least 1, at most the threadpool size (UV_THREADPOOL_SIZE, else 4)", () => {
  assert.equal(defaultThreads(1, undefined), 1);
  assert.equal(defaultThreads(2, undefined), 1);
  assert.equal(defaultThreads(4, undefined), 3);
  assert.equal(defaultThreads(5, undefined), 4);
  assert.equal(defaultThreads(64, undefined), 4);
  assert.equal(defaultThreads(64, "16"), 16);
  assert.equal(defaultThreads(8, "16"), 7);
  assert.equal(defaultThreads(8, "not a number"), 4);
  assert.equal(defaultThreads(8, "0"), 4);
});

test("threads per tile: as asked (default 1) while jobs × threads fit the cores, else cores ÷ jobs, at least 1", () => {
  assert.equal(tileThreads(2, undefined, 8), 1);
  assert.equal(tileThreads(2, 4, 8), 4);
  assert.equal(tileThreads(4, 4, 8), 2);
  assert.equal(tileThreads(3, 4, 8), 2);
  assert.equal(tileThreads(2, 2, 2), 1);
  assert.equal(tileThreads(16, 1, 8), 1);
  assert.equal(tileThreads(1, 256, 2), 2);
  assert.equal(tileThreads(0, 3, 2), 2);
});

test("--jobs × --threads beyond the cores: each tile gets fewer threads, one warning, the same bytes", async () => {
  const tiles = `${dir}/tiles`;
  mkdirSync(tiles);
  for (const name of ["a", "b", "c"]) copyFileSync(sample("storml_elev.tif"), `${tiles}/${name}.tif`);
  const cores = availableParallelism();
  const run = async (out, threads) => {
    const warnings = [];
    const result = await processBatch([`${tiles}/*.tif`], {
      outputDir: `${dir}/${out}`,
      products: ["slope"],
      jobs: cores,
      threads,
      warn: (m) => warnings.push(m),
    });
    assert.equal(result.done, 3);
    return warnings;
  };
  const crowded = await run("crowded", 2 * cores);
  const limit = Math.max(1, Math.floor(cores / Math.min(cores, 3)));
  assert.deepEqual(crowded, [
    `--threads ${2 * cores} with ${Math.min(cores, 3)} tiles at once would run more strip threads than the ` +
      `${cores} cores: each tile uses ${limit}`,
  ]);
  assert.deepEqual(await run("one", 1), []);
  for (const name of ["a", "b", "c"]) {
    const slope = (out) => readFileSync(`${dir}/${out}/${name}.slope.tif`);
    assert.ok(slope("crowded").equals(slope("one")), `${name}: the same slope whatever the threads`);
  }
});
