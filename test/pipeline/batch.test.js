// Batch runs over tiles: failure isolation, report, resume, shards (and their cluster environment variables).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { after, before, describe, test } from "node:test";
import {
  parseShard,
  processBatch,
  readDem,
  shardInputs,
  UsageError,
  writeGeoTiff,
} from "../../dist/index.js";
import { PRODUCT_NAMES } from "../../dist/products/registry.js";
import { demgrad, ROOT } from "../helpers/cli.js";
import { readBand, readBands } from "../helpers/raster.js";
import { sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-batch-`);
const tiles = `${dir}/tiles`;
after(() => rmSync(dir, { recursive: true, force: true }));

before(async () => {
  // A 600×450 region of a real DEM with a nodata hole across a tile corner, written whole and as a 3×3 grid of
  // tiles (with demgrad's writer), plus one corrupt tile.
  mkdirSync(tiles);
  const dem = await readDem(sample("inldata_dem.tif"));
  const [tw, th] = [200, 150];
  const [W, H] = [3 * tw, 3 * th];
  const region = new Float32Array(W * H);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) region[r * W + c] = dem.data[r * dem.width + c];
  for (let r = 140; r < 163; r++) for (let c = 190; c < 214; c++) region[r * W + c] = -9999;
  const gt = dem.georef.geoTransform;
  await writeGeoTiff(
    `${dir}/whole.tif`,
    { width: W, height: H, data: region },
    { like: { ...dem.georef, width: W, height: H }, nodata: -9999 },
  );
  for (let ty = 0; ty < 3; ty++) {
    for (let tx = 0; tx < 3; tx++) {
      const data = new Float32Array(tw * th);
      for (let r = 0; r < th; r++)
        for (let c = 0; c < tw; c++) data[r * tw + c] = region[(ty * th + r) * W + tx * tw + c];
      const like = {
        ...dem.georef,
        width: tw,
        height: th,
        geoTransform: [gt[0] + tx * tw * gt[1], gt[1], 0, gt[3] + ty * th * gt[5], 0, gt[5]],
      };
      await writeGeoTiff(
        `${tiles}/tile_${ty}_${tx}.tif`,
        { width: tw, height: th, data },
        { like, nodata: -9999 },
      );
    }
  }
  writeFileSync(`${tiles}/tile_x_corrupt.tif`, "this is not a GeoTIFF");
});

const outputsIn = (out) => readdirSync(out).sort();

describe("batch", () => {
  test("a corrupt tile is reported, the good ones are written, exit 1, per-tile JSON report", () => {
    const out = `${dir}/out-all`;
    mkdirSync(out);
    const run = demgrad([
      "batch",
      `${tiles}/*.tif`,
      "-o",
      out,
      "--report",
      `${out}/report.json`,
      "--jobs",
      "2",
    ]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /^demgrad: .*tile_x_corrupt\.tif: not a TIFF file$/m);
    assert.match(run.stdout, /10 tiles: 9 done, 0 skipped \(already done\), 1 failed/);
    const report = JSON.parse(readFileSync(`${out}/report.json`, "utf8"));
    assert.equal(report.tiles.length, 10);
    assert.equal(report.tiles.filter((t) => t.status === "done").length, 9);
    for (let ty = 0; ty < 3; ty++) {
      for (let tx = 0; tx < 3; tx++) {
        for (const p of ["slope.tif", "aspect.tif", "hillshade.png", "hillshade.pgw"]) {
          assert.ok(existsSync(`${out}/tile_${ty}_${tx}.${p}`), `${ty}_${tx}.${p}`);
        }
      }
    }
    assert.ok(!outputsIn(out).some((f) => f.startsWith("tile_x")), "nothing for the corrupt tile");
    assert.ok(!outputsIn(out).some((f) => f.endsWith(".tmp")), "no temporary files");
  });

  test("shards 0..N−1 together write every tile exactly once", async () => {
    const out = `${dir}/out-shards`;
    mkdirSync(out);
    const inputs = [`${tiles}/tile_*.tif`];
    const seen = [];
    for (let k = 0; k < 4; k++) {
      const result = await processBatch(inputs, {
        outputDir: out,
        products: ["slope"],
        shard: { index: k, count: 4 },
        jobs: 1,
      });
      for (const t of result.tiles) if (t.status !== "skipped") seen.push(t.input);
    }
    assert.equal(seen.length, 10);
    assert.equal(new Set(seen).size, 10);
  });

  test("a re-run after an interrupted one completes the rest without redoing finished tiles", async () => {
    const out = `${dir}/out-resume`;
    mkdirSync(out);
    const inputs = [`${tiles}/tile_?_?.tif`];
    // The first run stops half-way (here: only its first shard of two ran).
    const first = await processBatch(inputs, {
      outputDir: out,
      products: ["slope", "hillshade"],
      shard: { index: 0, count: 2 },
    });
    assert.equal(first.done, 5);
    const stamp = readFileSync(`${out}/tile_0_0.slope.tif`);
    const second = await processBatch(inputs, { outputDir: out, products: ["slope", "hillshade"] });
    assert.equal(second.skipped, 5);
    assert.equal(second.done, 4);
    assert.deepEqual(readFileSync(`${out}/tile_0_0.slope.tif`), stamp);
    const third = await processBatch(inputs, {
      outputDir: out,
      products: ["slope", "hillshade"],
      overwrite: true,
    });
    assert.equal(third.done, 9);
  });

  test("--seamless: the mosaic of tile outputs equals processing the whole DEM, nodata hole across tiles included", async () => {
    // Every product in the registry, each band.
    const out = `${dir}/out-seamless`;
    mkdirSync(out);
    const run = demgrad([
      "batch",
      `${tiles}/tile_?_?.tif`,
      "-o",
      out,
      "--seamless",
      "--products",
      PRODUCT_NAMES.join(","),
      "--hillshade-format",
      "tif",
      "-q",
    ]);
    assert.equal(run.status, 0, run.stderr);
    for (const product of PRODUCT_NAMES) {
      const whole = `${dir}/whole.${product}.tif`;
      const made = demgrad([product, `${dir}/whole.tif`, whole, "-q"]);
      assert.equal(made.status, 0, made.stderr);
      const expected = await readBands(whole);
      let seams = 0;
      for (let ty = 0; ty < 3; ty++) {
        for (let tx = 0; tx < 3; tx++) {
          const tile = await readBands(`${out}/tile_${ty}_${tx}.${product}.tif`);
          assert.equal(tile.length, expected.length, `${product}: bands`);
          for (let b = 0; b < tile.length; b++) {
            for (let r = 0; r < 150; r++) {
              for (let c = 0; c < 200; c++) {
                const e = expected[b][(ty * 150 + r) * 600 + tx * 200 + c];
                if (!Object.is(tile[b][r * 200 + c], e)) seams++;
              }
            }
          }
        }
      }
      assert.equal(seams, 0, `${product}: ${seams} cells differ from the whole-DEM run`);
    }
  });

  test("without --seamless, tile borders differ from the whole-DEM run (the seams --seamless removes)", async () => {
    const out = `${dir}/out-seams`;
    mkdirSync(out);
    assert.equal(
      demgrad(["batch", `${tiles}/tile_1_1.tif`, "-o", out, "--products", "slope", "-q"]).status,
      0,
    );
    const whole = await readBand(`${dir}/whole.slope.tif`);
    const tile = await readBand(`${out}/tile_1_1.slope.tif`);
    let differ = 0;
    for (let c = 0; c < 200; c++) if (tile.data[c] !== whole.data[150 * 600 + 200 + c]) differ++;
    assert.ok(differ > 100, `only ${differ} cells of the tile's top row differ`);
  });

  test("Ctrl-C half-way leaves finished tiles and no partial file; the re-run does only the rest", async () => {
    const out = `${dir}/out-interrupted`;
    mkdirSync(out);
    const args = [
      `${ROOT}bin/demgrad.js`,
      "batch",
      `${tiles}/tile_?_?.tif`,
      "-o",
      out,
      "--products",
      "slope,aspect,gradient",
      "--jobs",
      "1",
      "-q",
    ];
    const child = spawn(process.execPath, args, { stdio: "pipe" });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise((r) => child.on("exit", r));
    // Interrupt once the first tile's outputs exist; fail (not hang) if they never appear or demgrad ended first.
    const deadline = Date.now() + 60_000;
    while (!existsSync(`${out}/tile_0_0.gradient.tif`)) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        assert.fail(`the first tile's outputs did not appear (exit code ${child.exitCode}): ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill("SIGINT");
    const code = await exited;
    assert.equal(code, 130, stderr);
    assert.ok(!readdirSync(out).some((f) => f.endsWith(".tmp")), "no temporary file remains");
    const finished = readdirSync(out).filter((f) => f.endsWith(".gradient.tif")).length;
    assert.ok(finished >= 1 && finished < 9, `${finished} tiles finished before the interruption`);
    const rerun = await processBatch([`${tiles}/tile_?_?.tif`], {
      outputDir: out,
      products: ["slope", "aspect", "gradient"],
    });
    assert.equal(rerun.skipped, finished);
    assert.equal(rerun.done, 9 - finished);
  });

  test("a tile off the others' pixel grid is processed alone, with a warning", async () => {
    const out = `${dir}/out-misaligned`;
    mkdirSync(out);
    const source = await readDem(`${tiles}/tile_0_0.tif`);
    const gt = source.georef.geoTransform;
    const like = { ...source.georef, geoTransform: [gt[0] - 0.5 * gt[1], gt[1], 0, gt[3], 0, gt[5]] }; // west of all others
    mkdirSync(`${dir}/shifted`);
    await writeGeoTiff(
      `${dir}/shifted/odd.tif`,
      { width: source.width, height: source.height, data: source.data },
      { like, nodata: -9999 },
    );
    const warnings = [];
    const result = await processBatch([`${tiles}/tile_0_?.tif`, `${dir}/shifted/odd.tif`], {
      outputDir: out,
      products: ["slope"],
      seamless: true,
      warn: (m) => warnings.push(m),
    });
    assert.equal(result.done, 4);
    assert.ok(
      warnings.some((w) => /odd\.tif: not aligned with the pixel grid/.test(w)),
      warnings.join("\n"),
    );
  });

  test("an unmatched pattern fails before any work", () => {
    const run = demgrad(["batch", `${tiles}/none_*.tif`, "-o", dir]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /no file matches/);
  });
});

describe("shards", () => {
  test("K/N and every cluster's job array variables", () => {
    assert.deepEqual(parseShard("2/8"), { index: 2, count: 8 });
    assert.deepEqual(parseShard("auto", { env: { JOB_COMPLETION_INDEX: "3" }, shardCount: "5" }), {
      index: 3,
      count: 5,
    });
    assert.deepEqual(
      parseShard("auto", { env: { AWS_BATCH_JOB_ARRAY_INDEX: "0", AWS_BATCH_JOB_ARRAY_SIZE: "10" } }),
      {
        index: 0,
        count: 10,
      },
    );
    assert.deepEqual(
      parseShard("auto", {
        env: { SLURM_ARRAY_TASK_ID: "7", SLURM_ARRAY_TASK_COUNT: "4", SLURM_ARRAY_TASK_MIN: "4" },
      }),
      { index: 3, count: 4 },
    );
    assert.deepEqual(shardInputs(["a", "b", "c", "d", "e"], { index: 1, count: 2 }), ["b", "d"]);
  });
  test("bad shards are usage errors", () => {
    for (const [value, env] of [
      ["3/3", {}],
      ["x", {}],
      ["auto", {}],
      ["auto", { JOB_COMPLETION_INDEX: "1" }],
    ]) {
      assert.throws(() => parseShard(value, { env }), UsageError, value);
    }
  });
  test("shardInputs refuses a shard outside 0 ≤ K < N or not in integers, instead of returning nothing", () => {
    for (const shard of [
      { index: 2, count: 2 },
      { index: 5, count: 2 },
      { index: -1, count: 2 },
      { index: 0, count: 0 },
      { index: 0.5, count: 2 },
      { index: 0, count: 2.5 },
      { index: Number.NaN, count: 2 },
    ]) {
      assert.throws(() => shardInputs(["a", "b", "c"], shard), /0 ≤ K < N/, JSON.stringify(shard));
      assert.throws(() => shardInputs(["a", "b", "c"], shard), UsageError);
    }
    assert.deepEqual(shardInputs(["a", "b", "c"], { index: 1, count: 1 + 1 }), ["b"]);
  });
});
