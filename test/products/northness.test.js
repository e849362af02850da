// northness, the registry's worked example (ARCHITECTURE.md), and eastness: cos and sin of the true-north aspect on
// analytic planes, nodata where flat, `--weighted` (times sin(slope), flat ground 0), and the same products through
// the library, their own commands, `terrain` and `batch`.
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

const DEG = Math.PI / 180;
const PLANES = [
  // name, a, b, aspect (degrees clockwise from north)
  ["rising-south", 0, -0.2, 0], // rises to the south: faces north
  ["rising-north", 0, 0.2, 180],
  ["rising-west", -0.2, 0, 90],
  ["rising-north-east", 0.1, 0.1, 225],
];

/** Each plane's value of `product` against `expected(aspect, slope)`, in degrees and radians. */
async function check(product, options, expected) {
  for (const [name, a, b, aspect] of PLANES) {
    const out = `${dir}/${name}.${product}.tif`;
    await processDem(await plane(name, a, b), { [product]: out }, { warn: () => {}, ...options });
    const { data } = await readBand(out);
    const want = expected(aspect * DEG, Math.atan(Math.hypot(a, b)));
    // A plane in grid metres: within ±600 m of the central meridian at 40.6°N, true north turns from grid north by
    // up to 0.0046° (measured: 7.9e-5 off an east-facing cosine of 0, 5.6e-5 on the south-west plane).
    for (const v of data) assert.ok(Math.abs(v - want) < 1e-4, `${product} ${name}: ${v} vs ${want}`);
  }
}

test("northness is the cos of the aspect: 1 facing north, −1 south, 0 east, and cos 225° south-west", async () => {
  await check("northness", {}, (aspect) => Math.cos(aspect));
});

test("eastness is the sin of the aspect: 1 facing east, 0 north and south, and sin 225° south-west", async () => {
  await check("eastness", {}, (aspect) => Math.sin(aspect));
});

test("--weighted: times sin(slope)", async () => {
  await check("northness", { weighted: true }, (aspect, slope) => Math.cos(aspect) * Math.sin(slope));
  await check("eastness", { weighted: true }, (aspect, slope) => Math.sin(aspect) * Math.sin(slope));
});

test("flat ground: nodata (no direction), or 0 weighted", async () => {
  const flat = await plane("flat", 0, 0);
  for (const product of ["northness", "eastness"]) {
    for (const [weighted, expected] of [
      [false, -9999],
      [true, 0],
    ]) {
      const out = `${dir}/flat.${product}.${weighted}.tif`;
      await processDem(flat, { [product]: out }, { weighted, warn: () => {} });
      const { data } = await readBand(out);
      assert.ok(
        data.every((v) => Object.is(v, expected)),
        `${product} weighted=${weighted}: ${data[0]}`,
      );
    }
  }
});

test("the commands, terrain and batch carry them from the registry, --weighted too", async () => {
  const dem = await plane("cli", 0.05, -0.1);
  for (const product of ["northness", "eastness"]) {
    for (const weighted of [[], ["--weighted"]]) {
      const tag = `${product}${weighted.length ? "-weighted" : ""}`;
      const own = demgrad([product, dem, `${dir}/${tag}-own.tif`, ...weighted, "-q"]);
      assert.equal(own.status, 0, own.stderr);
      const terrain = demgrad([
        "terrain",
        dem,
        `--${product}`,
        `${dir}/${tag}-terrain.tif`,
        ...weighted,
        "-q",
      ]);
      assert.equal(terrain.status, 0, terrain.stderr);
      const batch = demgrad([
        "batch",
        dem,
        "-o",
        `${dir}/${tag}-batch`,
        "--products",
        product,
        ...weighted,
        "-q",
      ]);
      assert.equal(batch.status, 0, batch.stderr);
      const files = [
        `${dir}/${tag}-own.tif`,
        `${dir}/${tag}-terrain.tif`,
        `${dir}/${tag}-batch/cli.${product}.tif`,
      ];
      const values = await Promise.all(files.map(async (f) => (await readBand(f)).data));
      assert.deepEqual(values[1], values[0]);
      assert.deepEqual(values[2], values[0]);
      // Rising to the east and the south: faces north-west, and --weighted scales by sin(slope) < 1.
      assert.ok(product === "northness" ? values[0][0] > 0 : values[0][0] < 0);
      assert.ok(Math.abs(values[0][0]) < (weighted.length ? 0.2 : 1));
    }
    assert.match(
      demgrad(["--help"]).stdout,
      new RegExp(`${product} \\[options\\] <dem> <out>\\s+write ${product}`),
    );
  }
});
