// Untagged elevations on a feet CRS are in the CRS's feet (GDAL ≥ 3.11's rule): a plane in Virginia State Plane
// South (EPSG:2284, US survey feet) rising 0.05 ft per ft east and 0.03 ft per ft north has a slope of
// atan(√(0.05² + 0.03²)) = 3.3371°, with one warning line saying the unit was assumed; `--vertical-unit m` gives
// the old reading (elevations in metres: 10.83°) and no warning; a tagged band unit or a metre CRS gives none.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import {
  describeDem,
  georefFromEpsg,
  georefFromTags,
  readDem,
  terrainGradient,
  writeGeoTiff,
} from "../../dist/index.js";
import { demgrad, gdal, HAS_GDAL } from "../helpers/cli.js";
import { readBand } from "../helpers/raster.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-vunit-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const [width, height, pixel] = [60, 50, 10];
const [EAST, NORTH] = [0.05, 0.03];
const US_FOOT = 1200 / 3937;
const TRUE_SLOPE = (Math.atan(Math.hypot(EAST, NORTH)) * 180) / Math.PI; // 3.3371°
const AS_METRES_SLOPE = (Math.atan(Math.hypot(EAST, NORTH) / US_FOOT) * 180) / Math.PI; // 10.830°
// Ground metres differ from grid feet by the Lambert projection's scale factor here (measured 1.8e-4°).
const TOLERANCE = 5e-4;
const WARNING = /^demgrad: warning: no vertical unit is tagged: .*US survey foot.*--vertical-unit/;

async function plane(name, epsg, units, origin = [11800000, 3700000]) {
  const path = `${dir}/${name}.tif`;
  const data = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) data[r * width + c] = 1000 + EAST * c * pixel - NORTH * r * pixel;
  }
  const like = georefFromEpsg(epsg, [origin[0], pixel, 0, origin[1], 0, -pixel], { width, height });
  await writeGeoTiff(path, { width, height, data }, { like, ...(units ? { units: [units] } : {}) });
  return path;
}

/** Mean slope of the interior (the border rows are edges) and the CLI's warning lines. */
async function meanSlope(dem, args = []) {
  const out = `${dem}.${args.join("").replace(/\W/g, "") || "default"}.slope.tif`;
  const run = demgrad(["slope", ...args, dem, out]);
  assert.equal(run.status, 0, run.stderr);
  const { data } = await readBand(out);
  let sum = 0;
  let n = 0;
  for (let r = 1; r < height - 1; r++) {
    for (let c = 1; c < width - 1; c++) {
      sum += data[r * width + c];
      n++;
    }
  }
  return { slope: sum / n, warnings: run.stderr.split("\n").filter((l) => l.includes("warning")) };
}

describe("untagged elevations on a US-foot CRS (EPSG:2284)", async () => {
  const feet = await plane("va-south-ftus", 2284);

  test("are taken in US survey feet, with one warning line", async () => {
    const { slope, warnings } = await meanSlope(feet);
    assert.ok(Math.abs(slope - TRUE_SLOPE) < TOLERANCE, `slope ${slope}°, expected ${TRUE_SLOPE}°`);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], WARNING);
  });

  test("the warning is one line per run with several products and threads", () => {
    const run = demgrad([
      "terrain",
      feet,
      "--slope",
      `${dir}/t.s.tif`,
      "--aspect",
      `${dir}/t.a.tif`,
      "--threads",
      "2",
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr.match(/no vertical unit is tagged/g)?.length, 1, run.stderr);
  });

  test("--vertical-unit m overrides: elevations in metres, no warning", async () => {
    const { slope, warnings } = await meanSlope(feet, ["--vertical-unit", "m"]);
    assert.ok(
      Math.abs(slope - AS_METRES_SLOPE) < 3 * TOLERANCE,
      `slope ${slope}°, expected ${AS_METRES_SLOPE}°`,
    );
    assert.deepEqual(warnings, []);
  });

  test("--vertical-unit us-ft: the same slope as assumed, no warning", async () => {
    const { slope, warnings } = await meanSlope(feet, ["--vertical-unit", "us-ft"]);
    assert.ok(Math.abs(slope - TRUE_SLOPE) < TOLERANCE, `slope ${slope}°`);
    assert.deepEqual(warnings, []);
  });

  test("--compat gdaldem converts the assumed unit too", async () => {
    const { slope, warnings } = await meanSlope(feet, ["--compat", "gdaldem"]);
    assert.ok(Math.abs(slope - TRUE_SLOPE) < 1e-4, `slope ${slope}°`);
    assert.equal(warnings.length, 1);
  });

  test("gdaldem 3.6 ignores units (feet over feet here): --compat gdaldem equals it", {
    skip: !HAS_GDAL && "gdal-bin not installed",
  }, async () => {
    await meanSlope(feet, ["--compat", "gdaldem"]);
    gdal("gdaldem", ["slope", "-q", feet, `${dir}/gdaldem.slope.tif`]);
    const reference = (await readBand(`${dir}/gdaldem.slope.tif`)).data;
    const ours = (await readBand(`${feet}.compatgdaldem.slope.tif`)).data;
    let compared = 0;
    for (let i = 0; i < reference.length; i++) {
      if (reference[i] === -9999) continue;
      compared++;
      assert.ok(Math.abs(ours[i] - reference[i]) < 1e-4, `pixel ${i}: ${ours[i]} vs gdaldem ${reference[i]}`);
    }
    assert.equal(compared, (width - 2) * (height - 2));
  });

  test("info says the unit was assumed from the CRS, in text and JSON", async () => {
    const info = await describeDem(feet);
    assert.deepEqual(info.verticalUnit, {
      metres: US_FOOT,
      name: "US survey foot",
      source: "crs-linear-unit",
    });
    const text = demgrad(["info", feet]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(
      text.stdout,
      /^Vertical unit: +US survey foot \(0\.3048006096 m, assumed from the CRS's linear unit: no vertical unit is tagged\)$/m,
    );
    const json = JSON.parse(demgrad(["info", "--json", feet]).stdout);
    assert.equal(json.verticalUnit.source, "crs-linear-unit");
  });

  test("the library warns once too (readDem, which converts to metres), and terrainGradient does not again", async () => {
    const warnings = [];
    const warn = (m) => warnings.push(m);
    const dem = await readDem(feet, { warn });
    const grad = terrainGradient(dem, { warn });
    const i = 10 * width + 10;
    const slope = (Math.atan(Math.hypot(grad.dzdx[i], grad.dzdy[i])) * 180) / Math.PI;
    assert.ok(Math.abs(slope - TRUE_SLOPE) < TOLERANCE, `slope ${slope}°`);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /no vertical unit is tagged/);
  });
});

test("a band unit on a feet CRS is used as tagged: metres, no warning", async () => {
  const dem = await plane("va-south-band-m", 2284, "m");
  const { slope, warnings } = await meanSlope(dem);
  assert.ok(Math.abs(slope - AS_METRES_SLOPE) < 3 * TOLERANCE, `slope ${slope}°`);
  assert.deepEqual(warnings, []);
  assert.equal((await describeDem(dem)).verticalUnit.source, "band-unit");
});

test("a metre CRS with no vertical unit: metres by default, no warning", async () => {
  const dem = await plane("utm-18n", 26918, undefined, [500000, 4300000]);
  const { slope, warnings } = await meanSlope(dem);
  assert.ok(Math.abs(slope - TRUE_SLOPE) < 0.01, `slope ${slope}°`);
  assert.deepEqual(warnings, []);
  assert.deepEqual((await describeDem(dem)).verticalUnit, { metres: 1, name: "metre", source: "default" });
});

test("a VerticalUnitsGeoKey on a feet CRS is used as tagged", () => {
  const like = georefFromEpsg(2284, [11800000, 10, 0, 3700000, 0, -10], { width: 2, height: 2 });
  const [version, revision, minor, count, ...entries] = like.tags.GeoKeyDirectory;
  const metreKey = [4099, 0, 1, 9001]; // VerticalUnitsGeoKey = metre
  const tags = {
    ...like.tags,
    GeoKeyDirectory: [version, revision, minor, count + 1, ...entries, ...metreKey],
  };
  const warnings = [];
  const georef = georefFromTags(tags, { width: 2, height: 2 }, (m) => warnings.push(m));
  assert.equal(georef.crs.epsg, 2284);
  assert.deepEqual(georef.verticalUnit, { metres: 1, name: "metre", source: "geokey" });
  assert.deepEqual(warnings, []);
});

test("a GDAL-written DEM in EPSG:2263 (ProjLinearUnitsGeoKey 9003): elevations in US feet, one warning", {
  skip: !HAS_GDAL && "gdal-bin not installed",
}, async () => {
  const metreCrs = await plane("for-gdal", 26918, undefined, [500000, 4300000]);
  const path = `${dir}/gdal-2263.tif`;
  gdal("gdal_translate", [
    "-q",
    "-a_srs",
    "EPSG:2263",
    "-a_ullr",
    "980000",
    "210000",
    "980600",
    "209500",
    metreCrs,
    path,
  ]);
  const { slope, warnings } = await meanSlope(path);
  assert.ok(Math.abs(slope - TRUE_SLOPE) < TOLERANCE, `slope ${slope}°, expected ${TRUE_SLOPE}°`);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], WARNING);
});
