// The reader against GDAL on synthetic files of every sample type and kind of nodata, with scale/offset, south-up
// and PixelIsPoint georeferencing; NaN pixels, sparse files and the nodata option.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { openDem, readDem } from "../../dist/index.js";
import { gdal, HAS_GDAL } from "../helpers/cli.js";
import { sample } from "../helpers/samples.js";
import { checkAgainstGdal, SOURCE, TILED, testLayouts, WITH_HOLES } from "./read-reference.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-read-types-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const SIGNED_BYTE = ["-ot", "Byte", "-co", "PIXELTYPE=SIGNEDBYTE", "-scale", "2400", "3100", "-120", "120"];

/** name → [gdal_translate options, source, bands to check]. */
const TYPES = {
  Byte: [["-ot", "Byte", "-scale", "2400", "3100", "0", "255"]],
  // GDAL 3.6 has no Int8 type: a signed byte is Byte + PIXELTYPE=SIGNEDBYTE (SampleFormat 2 in the file).
  Int8: [SIGNED_BYTE],
  "Int8 DEFLATE predictor 2": [[...SIGNED_BYTE, "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2"]],
  UInt16: [["-ot", "UInt16", "-co", "COMPRESS=DEFLATE"]],
  Int32: [["-ot", "Int32", "-co", "COMPRESS=LZW"]],
  "UInt32 tiled": [["-ot", "UInt32", ...TILED]],
  "Int32 with nodata border": [["-ot", "Int32"], WITH_HOLES],
  Float64: [["-ot", "Float64", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3"]],
  "south-up": [["-a_ullr", "455000", "4100000", "459290", "4103210"]],
  PixelIsPoint: [["-mo", "AREA_OR_POINT=Point"]],
  "NaN nodata tag": [["-ot", "Float32", "-a_nodata", "nan"]],
  "inf nodata tag": [["-ot", "Float32", "-a_nodata", "inf"]],
  "-inf nodata tag": [["-ot", "Float64", "-a_nodata", "-inf"]],
  "scale 0.5, offset 100, nodata border": [["-a_scale", "0.5", "-a_offset", "100"], WITH_HOLES],
};

describe("sample types and nodata kinds equal GDAL's reading", {
  skip: !HAS_GDAL && "gdal-bin not installed",
}, () => {
  testLayouts(dir, TYPES, (name, handle) => {
    if (name === "south-up") assert.ok(handle.georef.geoTransform[5] > 0);
    if (name.startsWith("scale")) assert.deepEqual([handle.scale, handle.offset], [0.5, 100]);
  });

  test("NaN pixels (gdalwarp -dstnodata nan) read as NaN", async () => {
    const file = `${dir}/nan-pixels.tif`;
    gdal("gdalwarp", ["-q", "-ot", "Float32", "-dstnodata", "nan", WITH_HOLES, file]);
    await checkAgainstGdal(dir, file);
    const dem = await openDem(file);
    const rows = await dem.readRows(0, dem.height);
    await dem.close();
    assert.ok(rows.some(Number.isNaN) && !rows.every(Number.isNaN));
  });

  test("sparse file (all blocks empty) reads as nodata, like GDAL", async () => {
    const file = `${dir}/sparse.tif`;
    const args = [
      "-outsize",
      "300",
      "200",
      "-ot",
      "Int16",
      "-a_nodata",
      "-5",
      "-co",
      "SPARSE_OK=YES",
      ...TILED,
    ];
    gdal("gdal_create", [...args, file]);
    await checkAgainstGdal(dir, file);
    const dem = await readDem(file);
    assert.equal(dem.nodata, -5);
    assert.ok(dem.data.every(Number.isNaN));
  });

  test("the nodata option overrides the file's value (rounded to the sample type)", async () => {
    const first = Number(gdal("gdallocationinfo", ["-valonly", SOURCE, "0", "0"]).stdout);
    const dem = await openDem(SOURCE, { nodata: first });
    assert.equal(dem.nodata, first);
    const rows = await dem.readRows(0, 1);
    await dem.close();
    assert.ok(Number.isNaN(rows[0]) && rows.some((v) => !Number.isNaN(v)));
    const warnings = [];
    const ignored = await openDem(SOURCE, { nodata: 0.5, warn: (m) => warnings.push(m) });
    assert.equal(ignored.nodata, undefined);
    assert.match(warnings.join("\n"), /nodata 0\.5 cannot occur in Int16 data/);
    await ignored.close();
    const float = await openDem(sample("dtm.tif"), { nodata: 0.1 });
    assert.equal(float.nodata, Math.fround(0.1));
    await float.close();
  });
});
