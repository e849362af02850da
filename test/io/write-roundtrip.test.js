// The GeoTIFF writer's pixels: every sample type, band count, codec and awkward size reads back bit-exact with
// geotiff.js and with GDAL (raw ENVI dump), GDAL sees the layout it should, streaming in strips changes nothing,
// and BigTIFF is chosen from the size.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { createRasterWriter, writeGeoTiff } from "../../dist/index.js";
import { needsBigTiff } from "../../dist/io/geotiff-writer.js";
import { gdal, HAS_GDAL } from "../helpers/cli.js";
import { sample } from "../helpers/samples.js";
import { gdalBands, readBack, roundTripTests, same, sampleGeoref, values } from "./write-support.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-write-roundtrip-`);
after(() => rmSync(dir, { recursive: true, force: true }));
const like = (await sampleGeoref(sample("dtm.tif"))).georef;

describe("GeoTIFF round trips", () => {
  roundTripTests(["Byte", "Int16", "UInt16", "Int32"], dir, like);

  test("plain number arrays convert to the sample type", async () => {
    const path = `${dir}/numbers.tif`;
    await writeGeoTiff(
      path,
      { width: 3, height: 2, data: [1, 2.5, -3, 70000, 0, 9] },
      { sampleType: "Int16" },
    );
    // Int16 stores wrap like the integer type: 2.5 → 2, 70000 → 4464.
    assert.deepEqual(Array.from((await readBack(path)).bands[0]), [1, 2, -3, 4464, 0, 9]);
    const floats = `${dir}/numbers-f32.tif`;
    await writeGeoTiff(floats, { width: 3, height: 1, data: [0.1, 2, 3] });
    assert.ok(same((await readBack(floats)).bands[0], Float32Array.of(0.1, 2, 3)), "number[] → Float32");
  });

  test("the default sample type follows the array type", async () => {
    for (const [array, type] of [
      [Float64Array, "Float64"],
      [Int32Array, "Int32"],
      [Uint16Array, "UInt16"],
      [Uint8Array, "Byte"],
    ]) {
      const path = `${dir}/default-${type}.tif`;
      await writeGeoTiff(path, { width: 2, height: 1, data: array.of(1, 2) });
      if (HAS_GDAL) assert.equal(JSON.parse(gdal("gdalinfo", ["-json", path]).stdout).bands[0].type, type);
    }
  });

  test("streaming in strips of odd heights gives the same file as one write, byte for byte", async () => {
    const width = 600;
    const height = 530;
    const data = values("Float32", width * height, 3);
    const strips = `${dir}/strips.tif`;
    const writer = await createRasterWriter(strips, { width, height, sampleType: "Float32", georef: like });
    for (let row = 0; row < height; row += 37) {
      const rows = Math.min(37, height - row);
      await writer.writeRows([data.subarray(row * width, (row + rows) * width)], rows);
    }
    await writer.finish();
    const whole = `${dir}/whole.tif`;
    await writeGeoTiff(whole, { width, height, data }, { like });
    assert.ok(readFileSync(strips).equals(readFileSync(whole)), "tiles are written in a fixed order");
    assert.ok(same((await readBack(strips)).bands[0], data));
  });
});

describe("BigTIFF", () => {
  test("decided before writing from the size and the codec's worst case", () => {
    assert.equal(needsBigTiff(20000, 20000, 1, 4), false); // 1.6 GB
    assert.equal(needsBigTiff(40000, 40000, 1, 4), true); // 6.4 GB
    assert.equal(needsBigTiff(30000, 30000, 2, 4), true);
    assert.equal(needsBigTiff(32000, 32000, 1, 4, "none"), false); // 4.096e9 < 2³² = 4.295e9
    assert.equal(needsBigTiff(32000, 32000, 1, 4, "lzw"), true); // LZW may grow data by half
    assert.equal(needsBigTiff(1e6, 1e6, 1, 1), true);
  });

  test("a small file forced to BigTIFF reads back in geotiff.js and GDAL", async () => {
    const path = `${dir}/big.tif`;
    const data = [values("Float32", 300 * 200, 1), values("Float32", 300 * 200, 2)];
    const writer = await createRasterWriter(path, {
      width: 300,
      height: 200,
      bands: 2,
      sampleType: "Float32",
      georef: like,
      nodata: -9999,
      forceBigTiff: true,
    });
    await writer.writeRows(data, 200);
    await writer.finish();
    const header = readFileSync(path).subarray(0, 4);
    assert.deepEqual([...header], [0x49, 0x49, 43, 0], "little-endian BigTIFF header");
    const back = await readBack(path);
    assert.ok(same(back.bands[0], data[0]) && same(back.bands[1], data[1]));
    if (HAS_GDAL) {
      const { stdout, stderr } = gdal("gdalinfo", ["-json", "-checksum", path]);
      assert.equal(stderr, "");
      assert.equal(JSON.parse(stdout).bands[0].noDataValue, -9999);
      const fromGdal = gdalBands(path, "Float32", 2, 300 * 200, `${path}.raw`);
      assert.ok(same(fromGdal.bands[0], data[0]) && same(fromGdal.bands[1], data[1]));
    }
  });
});
