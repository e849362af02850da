// The library keeps the CLI's conventions (docs/library.md, "Conventions"): readDem gives elevations in metres with
// NaN for nodata, whatever the file's vertical unit; terrainGradient's east/north components give true-north aspect;
// slope() and aspect() give NaN where undefined (−9999 only in files, or when asked for). Each case is checked against
// the CLI's output for the same file, read back with geotiff.js (an independent reader).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename } from "node:path";
import { after, describe, test } from "node:test";
import {
  aspect,
  georefFromEpsg,
  hillshade,
  openDem,
  readDem,
  slope,
  spacingModel,
  terrainGradient,
  validateAspectOptions,
  validateSlopeOptions,
  writeGeoTiff,
} from "../../dist/index.js";
import { demgrad } from "../helpers/cli.js";
import { angleDiff, readBand } from "../helpers/raster.js";
import { missing, sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-conventions-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const US_FOOT = 1200 / 3937;
const FLOAT_NODATA = -9999;

/** A Float32 plane rising `east`/`north` per pixel step, with a nodata hole, written with demgrad's writer. */
async function planeDem(name, epsg, origin, pixel, { east, north, units } = {}) {
  const [width, height] = [72, 56];
  const data = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) data[r * width + c] = 1200 + east * c * pixel - north * r * pixel;
  }
  for (let r = 20; r < 26; r++) for (let c = 30; c < 37; c++) data[r * width + c] = FLOAT_NODATA;
  const like = georefFromEpsg(epsg, [origin[0], pixel, 0, origin[1], 0, -pixel], { width, height });
  const path = `${dir}/${name}.tif`;
  await writeGeoTiff(
    path,
    { width, height, data },
    { like, nodata: FLOAT_NODATA, ...(units ? { units } : {}) },
  );
  return { path, width, height, stored: data };
}

/** Runs `demgrad <args...> <input> <output>` (the output in the test's folder) and returns its bands as stored. */
async function cliBands(product, input, args = [], bands = 1) {
  const out = `${dir}/${basename(input)}.${product}${args.join("").replace(/\W/g, "")}.tif`;
  const run = demgrad([product, ...args, input, out]);
  assert.equal(run.status, 0, run.stderr);
  return Promise.all(Array.from({ length: bands }, (_, b) => readBand(out, b).then((band) => band.data)));
}

/** Library values (NaN where undefined) against a file's (−9999), within `tolerance` as `diff` measures it. */
function assertSameAsFile(library, file, tolerance, what, diff = (a, b) => Math.abs(a - b)) {
  assert.equal(library.length, file.length, `${what}: length`);
  let worst = 0;
  let compared = 0;
  for (let i = 0; i < file.length; i++) {
    if (file[i] === FLOAT_NODATA) {
      if (!Number.isNaN(library[i]))
        assert.fail(`${what}: pixel ${i} is nodata in the file, ${library[i]} in memory`);
      continue;
    }
    const d = diff(library[i], file[i]);
    if (!(d <= tolerance)) assert.fail(`${what}: pixel ${i}: library ${library[i]}, CLI ${file[i]}`);
    worst = Math.max(worst, d);
    compared++;
  }
  assert.ok(compared > file.length / 2, `${what}: ${compared} pixels compared`);
  return worst;
}

/**
 * How far a library gradient value is from the CLI's, in units of the tolerance: one float32 rounding (measured
 * 1.08e-7 relative) plus 2e-9, for near-flat cells where the non-uniform stencil leaves a residual of the elevation
 * times one float64 rounding (measured 9.3e-10 on inldata_dem.tif, whose gradient reaches 1.8).
 */
const gradientDistance = (a, b) => Math.abs(a - b) / (2.4e-7 * Math.abs(b) + 2e-9);

describe("aspect in memory is from true north, as the CLI's", () => {
  // UTM 32N at 60°N, 250 km west of the central meridian (about 4.5° of longitude): the meridian convergence is
  // about 3.9°, so grid north and true north differ by far more than any rounding.
  test("a plane in UTM far from the central meridian: aspect(terrainGradient(dem)) = demgrad aspect", async () => {
    const { path } = await planeDem("utm-far", 32632, [250000, 6660000], 30, { east: 0.2, north: 0.1 });
    const library = aspect(terrainGradient(await readDem(path)));
    const [cli] = await cliBands("aspect", path);
    const [grid] = await cliBands("aspect", path, ["--north", "grid"]);
    // Float32 gradient components in memory, float64 in the CLI: measured 1.5e-5° apart at most (one float32 step).
    assertSameAsFile(library, cli, 6e-5, "true north", angleDiff);
    const i = 10 * 72 + 10;
    const convergence = angleDiff(cli[i], grid[i]);
    assert.ok(convergence > 3.5 && convergence < 4.5, `convergence ${convergence}°`);
    assert.ok(angleDiff(library[i], grid[i]) > 3.5, `library ${library[i]}°, grid north ${grid[i]}°`);
  });

  test("grid north (--north grid) through northBearing: the bearings of grid north, negated", async () => {
    const { path } = await planeDem("utm-far-grid", 32632, [250000, 6660000], 30, { east: 0.2, north: 0.1 });
    const dem = await readDem(path);
    const model = spacingModel(dem.georef);
    const bearing = new Float64Array(dem.width * dem.height);
    const row = new Float64Array(dem.width);
    for (let r = 0; r < dem.height; r++) {
      model.gridNorthBearing(r, row);
      for (let c = 0; c < dem.width; c++) bearing[r * dem.width + c] = -row[c];
    }
    const library = aspect(terrainGradient(dem), { northBearing: bearing });
    const [grid] = await cliBands("aspect", path, ["--north", "grid"]);
    // The bearing is interpolated between sampled pixels: measured 1.5e-5° (one float32 step) as above.
    assertSameAsFile(library, grid, 6e-5, "grid north", angleDiff);
  });

  test("srtm_bigtujunga30m_utm11.tif (UTM 11N, 1.2° west of its meridian)", {
    skip: missing("srtm_bigtujunga30m_utm11.tif"),
  }, async () => {
    const path = sample("srtm_bigtujunga30m_utm11.tif");
    const library = aspect(terrainGradient(await readDem(path)));
    const [cli] = await cliBands("aspect", path, ["--layout", "plain", "--compress", "none"]);
    // Measured 3.05e-5° at most: two float32 steps of an angle near 360.
    assertSameAsFile(library, cli, 6e-5, "bigtujunga aspect", angleDiff);
  });
});

describe("readDem: elevations in metres, NaN for nodata", () => {
  test("untagged elevations on a US-foot CRS (EPSG:2284) come back in metres, with one warning", async () => {
    const { path, stored } = await planeDem("va-south", 2284, [11800000, 3700000], 10, {
      east: 0.05,
      north: 0.03,
    });
    const warnings = [];
    const dem = await readDem(path, { warn: (m) => warnings.push(m) });
    assert.ok(dem.data instanceof Float64Array, dem.data.constructor.name);
    for (let i = 0; i < stored.length; i++) {
      const expected = stored[i] === FLOAT_NODATA ? Number.NaN : stored[i] * US_FOOT;
      if (!Object.is(dem.data[i], expected)) assert.fail(`pixel ${i}: ${dem.data[i]}, expected ${expected}`);
    }
    // What the file holds, kept beside the converted values.
    assert.equal(dem.sampleType, "Float32");
    assert.equal(dem.nodata, FLOAT_NODATA);
    assert.deepEqual(dem.verticalUnit, {
      metres: US_FOOT,
      name: "US survey foot",
      source: "crs-linear-unit",
    });
    assert.deepEqual(dem.georef.verticalUnit, dem.verticalUnit);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^no vertical unit is tagged: .*US survey foot/);
  });

  test("verticalUnit overrides the file's unit, without a warning", async () => {
    const { path, stored } = await planeDem("va-south-m", 2284, [11800000, 3700000], 10, {
      east: 0.05,
      north: 0.03,
    });
    const warnings = [];
    const dem = await readDem(path, { verticalUnit: "m", warn: (m) => warnings.push(m) });
    assert.equal(dem.data[5], stored[5]);
    assert.deepEqual(dem.verticalUnit, { metres: 1, name: "metre", source: "option" });
    assert.deepEqual(warnings, []);
    await assert.rejects(readDem(path, { verticalUnit: "furlong" }), {
      name: "RangeError",
      message: /^readDem: option verticalUnit must be a unit name such as m, ft or us-ft, got "furlong"$/,
    });
  });

  test("a band tagged `ft` (inldata_dem.tif, Int16): stored value × 0.3048", async () => {
    const path = sample("inldata_dem.tif");
    const dem = await readDem(path);
    const stored = (await readBand(path)).data;
    assert.deepEqual(dem.verticalUnit, { metres: 0.3048, name: "foot", source: "band-unit" });
    assert.equal(dem.sampleType, "Int16");
    for (let i = 0; i < stored.length; i += 97) {
      if (dem.data[i] !== stored[i] * 0.3048)
        assert.fail(`pixel ${i}: ${dem.data[i]} for stored ${stored[i]}`);
    }
  });

  test("a metre DEM with a nodata sentinel (dtm.tif, −9999): NaN there, the stored values elsewhere", async () => {
    const path = sample("dtm.tif");
    const dem = await readDem(path);
    const stored = (await readBand(path)).data;
    assert.equal(dem.nodata, -9999);
    let holes = 0;
    for (let i = 0; i < stored.length; i++) {
      if (stored[i] === -9999) {
        holes++;
        if (!Number.isNaN(dem.data[i])) assert.fail(`pixel ${i}: ${dem.data[i]} where the file has nodata`);
      } else if (dem.data[i] !== stored[i]) assert.fail(`pixel ${i}: ${dem.data[i]}, stored ${stored[i]}`);
    }
    assert.ok(holes > 0, "dtm.tif has nodata cells");
  });

  test("Int32 and Float64 DEMs keep every stored value exactly", async () => {
    const [width, height] = [4, 2];
    const like = georefFromEpsg(32632, [350000, 10, 0, 5110000, 0, -10], { width, height });
    const int32 = Int32Array.from([2147483647, -2147483647, 123456789, -5, 0, 1, 2, 16777217]);
    const float64 = Float64Array.from([0.1, 1 + 2 ** -40, -1e300, 5e-324, 8848.86, 0, -0, 1 / 3]);
    for (const [name, data] of [
      ["int32", int32],
      ["float64", float64],
    ]) {
      const path = `${dir}/${name}.tif`;
      await writeGeoTiff(path, { width, height, data }, { like, layout: "plain" });
      assert.deepEqual(Array.from((await readDem(path)).data), Array.from(data), name);
    }
  });
});

describe("terrainGradient applies the vertical unit once", () => {
  const gradientMatches = async (path, args, readOptions, gradientOptions) => {
    const { dzdx, dzdy } = terrainGradient(await readDem(path, readOptions), gradientOptions);
    const [cliX, cliY] = await cliBands("gradient", path, args, 2);
    // One float64 rounding apart before the float32 rounding (metres × differences vs differences × metres).
    assertSameAsFile(dzdx, cliX, 1, `${path} dz/dx`, gradientDistance);
    assertSameAsFile(dzdy, cliY, 1, `${path} dz/dy`, gradientDistance);
    return { dzdx, dzdy };
  };

  test("on a US-foot CRS: equal to demgrad gradient", async () => {
    const { path } = await planeDem("va-south-grad", 2284, [11800000, 3700000], 10, {
      east: 0.05,
      north: 0.03,
    });
    const { dzdx, dzdy } = await gradientMatches(path, [], {}, {});
    // The plane rises √(0.05² + 0.03²) ft per ft: as many m per m (east/north are turned from the grid's axes by the
    // meridian convergence, and ground metres differ from grid feet by the Lambert scale: measured 5.6e-7).
    const i = 10 * 72 + 10;
    const rise = Math.hypot(dzdx[i], dzdy[i]);
    assert.ok(Math.abs(rise - Math.hypot(0.05, 0.03)) < 1.5e-6, `rise ${rise}`);
  });

  test("on a band tagged ft (inldata_dem.tif): equal to demgrad gradient", async () => {
    await gradientMatches(sample("inldata_dem.tif"), ["--layout", "plain"], {}, {});
  });

  test("verticalUnit, given to readDem or to terrainGradient, equals --vertical-unit", async () => {
    const { path } = await planeDem("va-south-vu", 2284, [11800000, 3700000], 10, {
      east: 0.05,
      north: 0.03,
    });
    const args = ["--vertical-unit", "m"];
    const { dzdx, dzdy } = await gradientMatches(path, args, { verticalUnit: "m" }, {});
    await gradientMatches(path, args, {}, { verticalUnit: "m" });
    const i = 10 * 72 + 10;
    const rise = Math.hypot(dzdx[i], dzdy[i]);
    // Feet read as metres: 1/0.3048 times steeper (the Lambert scale as above: measured 1.8e-6).
    assert.ok(Math.abs(rise - Math.hypot(0.05, 0.03) / US_FOOT) < 5e-6, `rise ${rise}`);
  });
});

describe("slope and aspect in memory: NaN where undefined", () => {
  const grad = { dzdx: [0.3, 0, Number.NaN, 0.5], dzdy: [0.4, 0, 0, Number.NaN] };

  test("by default", () => {
    const s = slope(grad);
    assert.ok(Math.abs(s[0] - 26.565051) < 1e-5 && s[1] === 0, `${[...s]}`);
    assert.ok(Number.isNaN(s[2]) && Number.isNaN(s[3]), `${[...s]}`);
    const a = aspect(grad);
    assert.ok(a[0] > 216.86 && a[0] < 216.88, `${a[0]}`);
    // Flat (1) and undefined (2, 3) alike.
    assert.ok(
      [1, 2, 3].every((i) => Number.isNaN(a[i])),
      `${[...a]}`,
    );
    assert.deepEqual(validateSlopeOptions(), { unit: "degree", nodata: Number.NaN });
    assert.ok(Number.isNaN(validateAspectOptions().nodata));
  });

  test("or the nodata a caller asks for (−9999, as files hold)", () => {
    assert.deepEqual([...slope(grad, { nodata: FLOAT_NODATA })].slice(2), [FLOAT_NODATA, FLOAT_NODATA]);
    assert.deepEqual([...aspect(grad, { nodata: FLOAT_NODATA })].slice(1), [
      FLOAT_NODATA,
      FLOAT_NODATA,
      FLOAT_NODATA,
    ]);
    assert.deepEqual([...aspect(grad, { zeroForFlat: true, nodata: FLOAT_NODATA })].slice(1), [
      0,
      FLOAT_NODATA,
      FLOAT_NODATA,
    ]);
    assert.ok(Number.isNaN(slope(grad, { nodata: "nan" })[2]), "the string nan, as --nodata takes it");
  });

  test("hillshade stays Byte with 0 for nodata", () => {
    const shade = hillshade(grad);
    assert.ok(shade instanceof Uint8Array);
    assert.deepEqual([...shade].slice(2), [0, 0]);
    assert.ok(shade[0] > 0 && shade[1] > 0);
  });

  test("slope(terrainGradient(dem)) equals demgrad slope, NaN where the file has −9999", async () => {
    const path = sample("dtm.tif");
    const library = slope(terrainGradient(await readDem(path)));
    const [cli] = await cliBands("slope", path, ["--layout", "plain"]);
    // One float32 rounding of the gradient apart (measured 7.6e-6°, 1.19e-7 relative).
    assertSameAsFile(library, cli, 2e-5, "dtm slope");
  });
});

test("openDem's readRows: file units (scale/offset applied), NaN for nodata; the unit is on its georef", async () => {
  const handle = await openDem(sample("inldata_dem.tif"));
  try {
    const rows = await handle.readRows(0, 1);
    const stored = await handle.readWindow({ x: 0, y: 0, width: handle.width, height: 1 });
    assert.deepEqual(Array.from(rows), Array.from(stored));
    assert.equal(handle.georef.verticalUnit.metres, 0.3048);
  } finally {
    await handle.close();
  }
});

test("writeGeoTiff with a numeric nodata writes NaN cells as it: NaN in memory, −9999 in the file", async () => {
  const file = `${dir}/nan-as-nodata.tif`;
  const data = Float32Array.from([1.5, Number.NaN, 3, Number.NaN]);
  await writeGeoTiff(file, { width: 2, height: 2, data }, { nodata: -9999 });
  const stored = await readBand(file);
  assert.deepEqual(Array.from(stored.data), [1.5, -9999, 3, -9999]);
  assert.ok(Number.isNaN(data[1]), "the caller's array is left as it was");
  // Without nodata, NaN stays NaN.
  await writeGeoTiff(`${dir}/nan.tif`, { width: 2, height: 2, data });
  assert.ok(Number.isNaN((await readBand(`${dir}/nan.tif`)).data[1]));
});
