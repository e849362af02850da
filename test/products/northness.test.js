// northness, the registry's worked example (ARCHITECTURE.md): cos of the true-north aspect on analytic planes, nodata
// where flat, and the same product through the library, its own command, `terrain` and `batch`.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, test } from "node:test";
import { georefFromEpsg, processDem, writeGeoTiff } from "../../dist/index.js";
import { demgrad } from "../helpers/cli.js";
import { readBand } from "../helpers/raster.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-northness-`);
after(() => rmSync(dir, { recursive: true, force: true }));

/** A plane z = a·x + b·y (grid metres) on a 30 m UTM grid at the central meridian (grid north = true north). */
async function plane(name, a, b) {
  const [width, height] = [40, 30];
  const gt = [500000 - 600, 30, 0, 4500000 + 450, 0, -30];
  const data = new Float32Array(width * height);
  for (let r = 0; r < height; r++)
    for (let c = 0; c < width; c++) data[r * width + c] = 1000 + a * (c * 30) - b * (r * 30);
  const path = `${dir}/${name}.tif`;
  await writeGeoTiff(path, { width, height, data }, { like: georefFromEpsg(32633, gt, { width, height }) });
  return path;
}

test("cos of the aspect: 1 facing north, −1 south, 0 east, and cos 225° south-west", async () => {
  for (const [name, a, b, expected] of [
    ["rising-south", 0, -0.2, 1], // rises to the south: faces north
    ["rising-north", 0, 0.2, -1],
    ["rising-west", -0.2, 0, 0],
    ["rising-north-east", 0.1, 0.1, Math.cos((225 * Math.PI) / 180)],
  ]) {
    const out = `${dir}/${name}.northness.tif`;
    await processDem(await plane(name, a, b), { northness: out }, { warn: () => {} });
    const { data } = await readBand(out);
    // A plane in grid metres: within ±600 m of the central meridian at 40.6°N, true north turns from grid north by
    // up to 0.0046° (measured: 7.9e-5 off an east-facing cosine of 0, 5.6e-5 on the south-west plane).
    for (const v of data) assert.ok(Math.abs(v - expected) < 1e-4, `${name}: ${v} vs ${expected}`);
  }
});

test("the command, terrain and batch carry it from the registry", async () => {
  const dem = await plane("cli", 0.05, -0.1);
  const own = demgrad(["northness", dem, `${dir}/own.tif`, "-q"]);
  assert.equal(own.status, 0, own.stderr);
  const terrain = demgrad(["terrain", dem, "--northness", `${dir}/terrain.tif`, "-q"]);
  assert.equal(terrain.status, 0, terrain.stderr);
  const batch = demgrad(["batch", dem, "-o", `${dir}/batch`, "--products", "northness", "-q"]);
  assert.equal(batch.status, 0, batch.stderr);
  const values = await Promise.all(
    [`${dir}/own.tif`, `${dir}/terrain.tif`, `${dir}/batch/cli.northness.tif`].map(
      async (f) => (await readBand(f)).data,
    ),
  );
  assert.deepEqual(values[1], values[0]);
  assert.deepEqual(values[2], values[0]);
  assert.match(demgrad(["--help"]).stdout, /northness \[options\] <dem> <out>\s+write northness/);
});
