// --compat gdaldem must reproduce Debian's gdaldem (GDAL 3.6) on every real sample DEM:
// slope and aspect within 1e-3°, hillshade within 1 grey level on at most 0.1 % of pixels, identical nodata masks.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { processDem } from "../../dist/index.js";
import { HAS_GDAL } from "../helpers/cli.js";
import { angleDiff, readBand } from "../helpers/raster.js";
import { missing, sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-parity-`);
after(() => rmSync(dir, { recursive: true, force: true }));

// Per sample: extra gdaldem arguments and the matching demgrad options (geographic DEMs need gdaldem's -s 111120;
// inldata_dem has elevations in feet, which demgrad converts and gdaldem 3.6 does not: -s 3.28084 tells it).
const SAMPLE_SETUP = {
  "storml_elev.tif": {},
  "storml_elev_orig.tif": {},
  "srtm_bigtujunga30m_utm11.tif": {},
  "N43E006_3857.tiff": {},
  "rgbify_elev.tif": {},
  "dtm.tif": {},
  "sdts_8821_oregon_basin_wy.tif": {},
  "inldata_dem.tif": { gdal: ["-s", String(1 / 0.3048)] },
  "whitebox_DEM.tif": { gdal: ["-s", "1"], ours: { scale: 1 } },
  "pysheds_dem.tif": { gdal: ["-s", "111120"], ours: { scale: 111120 } },
  "N43E006.tiff": { gdal: ["-s", "111120"], ours: { scale: 111120 } },
  "castro_dem.tiff": { gdal: ["-s", "111120"], ours: { scale: 111120 } },
  "dem-hills.tiff": { gdal: ["-s", "111120"], ours: { scale: 111120 } },
};

const VARIANTS = [
  { name: "slope", product: "slope", gdal: ["slope"], ours: {} },
  { name: "slope -p", product: "slope", gdal: ["slope", "-p"], ours: { unit: "percent" } },
  {
    name: "slope ZT",
    product: "slope",
    gdal: ["slope", "-alg", "ZevenbergenThorne"],
    ours: { method: "zevenbergen-thorne" },
  },
  { name: "aspect", product: "aspect", gdal: ["aspect"], ours: {} },
  {
    name: "aspect -trigonometric",
    product: "aspect",
    gdal: ["aspect", "-trigonometric"],
    ours: { trigonometric: true },
  },
  {
    name: "aspect -zero_for_flat",
    product: "aspect",
    gdal: ["aspect", "-zero_for_flat"],
    ours: { zeroForFlat: true },
  },
  { name: "hillshade", product: "hillshade", gdal: ["hillshade"], ours: {} },
  {
    name: "hillshade -combined",
    product: "hillshade",
    gdal: ["hillshade", "-combined"],
    ours: { variant: "combined" },
  },
  {
    name: "hillshade -multidirectional",
    product: "hillshade",
    gdal: ["hillshade", "-multidirectional"],
    ours: { variant: "multidirectional" },
  },
  { name: "hillshade -igor", product: "hillshade", gdal: ["hillshade", "-igor"], ours: { variant: "igor" } },
  {
    name: "hillshade ZT",
    product: "hillshade",
    gdal: ["hillshade", "-alg", "ZevenbergenThorne"],
    ours: { method: "zevenbergen-thorne" },
  },
  {
    name: "hillshade -az 90 -alt 30 -z 3",
    product: "hillshade",
    gdal: ["hillshade", "-az", "90", "-alt", "30", "-z", "3"],
    ours: { azimuth: 90, altitude: 30, zFactor: 3 },
  },
];

async function compare(variant, expectedPath, actualPath) {
  const expected = await readBand(expectedPath);
  const actual = await readBand(actualPath);
  assert.equal(actual.width, expected.width);
  assert.equal(actual.height, expected.height);
  const n = expected.data.length;
  const nodata = variant.product === "hillshade" ? 0 : variant.ours.zeroForFlat ? undefined : -9999;
  let offByOne = 0;
  for (let i = 0; i < n; i++) {
    const e = expected.data[i];
    const a = actual.data[i];
    if (nodata !== undefined && (e === nodata || a === nodata)) {
      assert.equal(a, e, `${variant.name}: nodata mask differs at pixel ${i}`);
      continue;
    }
    if (variant.product === "hillshade") {
      const d = Math.abs(a - e);
      assert.ok(d <= 1, `${variant.name}, pixel ${i}: ${a} vs gdaldem ${e}`);
      if (d === 1) offByOne++;
    } else {
      const d = variant.product === "aspect" ? angleDiff(a, e) : Math.abs(a - e);
      assert.ok(d <= 1e-3, `${variant.name}, pixel ${i}: ${a} vs gdaldem ${e}`);
    }
  }
  assert.ok(offByOne <= n * 0.001, `${offByOne} pixels off by one grey level of ${n}`);
}

describe("--compat gdaldem equals gdaldem 3.6", { skip: !HAS_GDAL && "gdal-bin not installed" }, () => {
  for (const [file, setup] of Object.entries(SAMPLE_SETUP)) {
    test(file, { skip: missing(file) }, async () => {
      for (const variant of VARIANTS) {
        const stem = `${dir}/${file}.${variant.name.replace(/[^a-z0-9]+/gi, "_")}`;
        const expected = `${stem}.gdal.tif`;
        const actual = `${stem}.ours.tif`;
        const [mode, ...flags] = variant.gdal;
        const run = spawnSync(
          "gdaldem",
          [mode, sample(file), expected, ...flags, ...(setup.gdal ?? []), "-q"],
          {
            encoding: "utf8",
          },
        );
        assert.equal(run.status, 0, run.stderr);
        await processDem(
          sample(file),
          { [variant.product]: actual },
          {
            compat: "gdaldem",
            warn: () => {},
            ...setup.ours,
            ...variant.ours,
          },
        );
        await compare(variant, expected, actual);
      }
    });
  }
});
