// `demgrad info` as a GIS user reads it: GDAL's words for compression, the CRS's EPSG name where the file cites
// none ("unnamed"), and elevations and sizes with the digits the data has (numpy's shortest Float32 repr, gdalinfo's
// %.15g) rather than 17-digit doubles. Expected values are from gdalinfo and numpy on the committed samples.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { georefFromEpsg, writeGeoTiff } from "../../dist/index.js";
import { demgrad, gdal, HAS_GDAL } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";

function info(file) {
  const run = demgrad(["info", file]);
  assert.equal(run.status, 0, run.stderr);
  return Object.fromEntries(
    run.stdout
      .trimEnd()
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf(":")), line.slice(17)]),
  );
}

describe("info text on the committed samples", () => {
  test("sdts_8821_oregon_basin_wy.tif: uncompressed, NAD27 / UTM zone 12N (the file cites 'unnamed')", {
    skip: missing("sdts_8821_oregon_basin_wy.tif"),
  }, () => {
    const lines = info(sample("sdts_8821_oregon_basin_wy.tif"));
    assert.equal(lines.Layout, "strips of 11 rows, uncompressed");
    assert.equal(lines.CRS, "projected EPSG:26712 (NAD27 / UTM zone 12N)");
    assert.equal(lines["Elevation"], "1520 to 1826 (153572 valid pixels)");
    assert.equal(lines["Vertical unit"], "metre (1 m, from the band's unit)");
  });

  test("dem-hills.tiff: Float32 elevations as numpy prints them, pixel size as %.15g", {
    skip: missing("dem-hills.tiff"),
  }, () => {
    const lines = info(sample("dem-hills.tiff"));
    // numpy: repr(np.float32) of the valid minimum and maximum.
    assert.equal(lines.Elevation, "138.28888 to 168.0037 (71645 valid pixels)");
    assert.equal(lines["Pixel size"], "0.0000925925945945746 × 0.0000925925917430984 (CRS units)");
    assert.equal(lines.Layout, "strips of 6 rows, uncompressed");
    assert.equal(lines["Vertical unit"], "metre (1 m, by default: no vertical unit is tagged)");
  });

  test("dtm.tif and rgbify_elev.tif: compression names as GDAL's, Float32 elevations", {
    skip: missing("dtm.tif", "rgbify_elev.tif"),
  }, () => {
    const dtm = info(sample("dtm.tif"));
    assert.equal(dtm.Layout, "tiled 256×256, DEFLATE");
    assert.equal(dtm.Elevation, "6.9064145 to 22.118206 (73021 valid pixels)");
    assert.equal(dtm["Ground spacing"], "dx 2.00002–2.00002 m, dy 2.00002–2.00002 m");
    const rgbify = info(sample("rgbify_elev.tif"));
    assert.equal(rgbify.Layout, "tiled 256×256, LZW");
    assert.equal(rgbify.Elevation, "0.43601042 to 114.92089 (262144 valid pixels)");
    assert.equal(
      rgbify.Geotransform,
      "-13630156.552456, 6.72180896864666, 0, 4553034.75044191, 0, -6.0590257443655",
    );
  });

  test("--json keeps the machine values (compression none, full doubles)", {
    skip: missing("dem-hills.tiff"),
  }, () => {
    const json = JSON.parse(demgrad(["info", "--json", sample("dem-hills.tiff")]).stdout);
    assert.equal(json.layout.compression, "none");
    assert.equal(json.elevation.min, Math.fround(138.28888));
  });
});

describe("CRS names where the file cites none, against gdalinfo", {
  skip: !HAS_GDAL && "gdal-bin not installed",
}, () => {
  const dir = mkdtempSync(`${tmpdir()}/demgrad-info-`);
  after(() => rmSync(dir, { recursive: true, force: true }));
  const CODES = {
    26712: [600000, 4900000, 30],
    32633: [500000, 5000000, 30],
    32733: [500000, 5000000, 30],
    26918: [500000, 4300000, 30],
    25832: [500000, 5500000, 30],
    32201: [500000, 5000000, 30],
    4326: [6, 44, 0.001],
    4269: [-100, 40, 0.001],
  };
  for (const [code, [x, y, step]] of Object.entries(CODES)) {
    test(`EPSG:${code}`, async () => {
      const path = `${dir}/${code}.tif`;
      const like = georefFromEpsg(Number(code), [x, step, 0, y, 0, -step], { width: 4, height: 3 });
      await writeGeoTiff(path, { width: 4, height: 3, data: new Float32Array(12).fill(1) }, { like });
      const wkt = gdal("gdalinfo", [path]).stdout;
      const gdalName = wkt.match(/^(?:PROJCRS|GEOGCRS)\["([^"]+)"/m)[1];
      assert.match(info(path).CRS, new RegExp(`EPSG:${code} \\(${gdalName.replace(/[()]/g, "\\$&")}\\)$`));
    });
  }
});
