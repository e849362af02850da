// The reader against GDAL on every real sample: metadata from gdalinfo, every pixel from GDAL's raw ENVI dump,
// readRows elevations (nodata → NaN), min/max; plus ArrayBuffer sources, windows and block caching.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { openDem, readDem } from "../../dist/index.js";
import { HAS_GDAL } from "../helpers/cli.js";
import { ALL_SAMPLES, missing, sample } from "../helpers/samples.js";
import { checkAgainstGdal } from "./read-reference.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-read-`);
after(() => rmSync(dir, { recursive: true, force: true }));

describe("every sample equals GDAL's reading", { skip: !HAS_GDAL && "gdal-bin not installed" }, () => {
  for (const file of ALL_SAMPLES) {
    test(file, { skip: missing(file) }, async () => {
      const handle = await checkAgainstGdal(dir, sample(file));
      const expectedKind = {
        "whitebox_DEM.tif": "local",
        "inldata_dem.tif": "projected",
        "dem-hills.tiff": "geographic",
      }[file];
      if (expectedKind) assert.equal(handle.georef.crs.kind, expectedKind);
    });
  }
});

test("castro_dem.tiff: the −FLT_MAX-like nodata written as decimal text matches its pixels", {
  skip: missing("castro_dem.tiff"),
}, async () => {
  const dem = await openDem(sample("castro_dem.tiff"), { warn: () => {} });
  try {
    // The tag's decimal text, rounded to float32, is the value the nodata pixels hold.
    assert.equal(dem.nodata, Math.fround(dem.nodata));
    assert.ok(dem.nodata < -3.4e38);
    const rows = await dem.readRows(0, dem.height);
    const holes = rows.filter(Number.isNaN).length / rows.length;
    assert.ok(holes > 0.8 && holes < 0.95, `nodata share ${holes}`); // the samples README: 87 %
    assert.ok(
      rows.every((v) => Number.isNaN(v) || v > -1e30),
      "no sentinel left as an elevation",
    );
  } finally {
    await dem.close();
  }
});

test("an ArrayBuffer source reads like the file, named <buffer>", async () => {
  const file = sample("inldata_dem.tif");
  const bytes = readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const [fromBuffer, fromFile] = await Promise.all([readDem(buffer), readDem(file)]);
  assert.equal(fromBuffer.source, "<buffer>");
  assert.equal(fromFile.source, file);
  assert.deepEqual(fromBuffer.data, fromFile.data);
  assert.deepEqual(fromBuffer.georef.geoTransform, fromFile.georef.geoTransform);
});

test("readDem window: the window's values and its own georeferencing", async () => {
  const file = sample("inldata_dem.tif");
  const whole = await readDem(file);
  const window = { x: 100, y: 120, width: 200, height: 150 };
  const part = await readDem(file, { window });
  assert.equal(part.width, 200);
  assert.equal(part.georef.width, 200);
  assert.equal(part.georef.height, 150);
  for (let r = 0; r < window.height; r++) {
    for (let c = 0; c < window.width; c++) {
      const v = whole.data[(r + window.y) * whole.width + c + window.x];
      if (part.data[r * window.width + c] !== v) assert.fail(`window pixel (${r}, ${c})`);
    }
  }
  const [x0, dx, , y0, , dy] = whole.georef.geoTransform;
  assert.deepEqual(part.georef.geoTransform, [x0 + 100 * dx, dx, 0, y0 + 120 * dy, 0, dy]);
});

test("strips read in order decode every block once", {
  skip: missing("srtm_bigtujunga30m_utm11.tif"),
}, async (t) => {
  // srtm_bigtujunga30m_utm11.tif: 1197×643 in 128×128 tiles = 10 × 6 blocks. Served over HTTP, every block read
  // is one range request: count them.
  const bytes = readFileSync(sample("srtm_bigtujunga30m_utm11.tif"));
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const [, start, end] = /bytes=(\d+)-(\d+)/.exec(req.headers.range).map(Number);
    const last = Math.min(end, bytes.length - 1);
    res.writeHead(206, { "Content-Range": `bytes ${start}-${last}/${bytes.length}` });
    res.end(bytes.subarray(start, last + 1));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => server.close());
  const dem = await openDem(`http://127.0.0.1:${server.address().port}/dem.tif`);
  const opening = requests;
  const strip = new Float64Array(10 * dem.width);
  for (let row = 0; row < dem.height; row += 10) {
    await dem.readRows(row, Math.min(10, dem.height - row), strip);
  }
  await dem.close();
  assert.equal(requests - opening, 60);
});
