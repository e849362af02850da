// GDAL's private tags as the reader interprets them: GDAL_NODATA text rounded to the sample type, and per-band
// scale/offset/unit items of GDAL_METADATA. Expected values follow from IEEE 754 and the types' ranges.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openDem } from "../../dist/index.js";
import {
  bandMetadata,
  bandStatistics,
  metadataNumber,
  parseNodata,
  roundToSampleType,
} from "../../dist/io/gdal-metadata.js";
import { sample } from "../helpers/samples.js";

test("GDAL_NODATA text", () => {
  // A decimal that is not exactly a float32: compared after rounding to float32, as the pixels hold it.
  assert.equal(parseNodata("-3.4028231e+38", "Float32"), Math.fround(-3.4028231e38));
  assert.equal(parseNodata("-3.4028234663852886e+38", "Float32"), -(2 - 2 ** -23) * 2 ** 127);
  assert.equal(parseNodata("-3.4028231e+38", "Float64"), -3.4028231e38);
  assert.ok(Number.isNaN(parseNodata("nan", "Float32")));
  assert.ok(Number.isNaN(parseNodata("-nan", "Float64")));
  assert.ok(Number.isNaN(parseNodata("NaN\0", "Float32")));
  assert.equal(parseNodata("inf", "Float32"), Infinity);
  assert.equal(parseNodata("-inf", "Float64"), -Infinity);
  assert.equal(parseNodata(" -9999 \0", "Float32"), -9999);
  assert.equal(parseNodata("-32768", "Int16"), -32768);
  assert.equal(parseNodata("-32768.0", "Int16"), -32768);
  assert.equal(parseNodata("1.5", "Int16"), undefined); // not integral: no Int16 pixel can hold it
  assert.equal(parseNodata("-32769", "Int16"), undefined); // out of range
  assert.equal(parseNodata("255", "UInt8"), 255);
  assert.equal(parseNodata("-1", "UInt32"), undefined);
  assert.equal(parseNodata("-128", "Int8"), -128);
  assert.equal(parseNodata("4294967295", "UInt32"), 4294967295);
  assert.equal(parseNodata("nan", "Int16"), undefined);
  assert.equal(parseNodata("", "Float32"), undefined);
  assert.equal(parseNodata("none", "Float32"), undefined);
  assert.equal(parseNodata(undefined, "Float32"), undefined);
  assert.equal(roundToSampleType(0.1, "Float32"), Math.fround(0.1));
});

test("GDAL_METADATA: the selected band's scale, offset and unit", () => {
  const xml = `<GDALMetadata>
  <Item name="AREA_OR_POINT">Area</Item>
  <Item name="OFFSET" sample="0" role="offset">100</Item>
  <Item name="SCALE" sample="0" role="scale">0.5</Item>
  <Item name="UNITTYPE" sample="0" role="unittype">ft</Item>
  <Item name="SCALE" sample="1" role="scale">2</Item>
  <Item name='UNITTYPE' role='unittype' sample='1'>m &amp; more</Item>
  <Item name="DESCRIPTION" sample="1" role="description"/>
</GDALMetadata>`;
  assert.deepEqual(
    [...bandMetadata(xml, 0)],
    [
      ["OFFSET", "100"],
      ["SCALE", "0.5"],
      ["UNITTYPE", "ft"],
    ],
  );
  assert.deepEqual(
    [...bandMetadata(xml, 1)],
    [
      ["SCALE", "2"],
      ["UNITTYPE", "m & more"],
      ["DESCRIPTION", ""],
    ],
  );
  assert.equal(bandMetadata(xml, 2).size, 0);
  assert.equal(bandMetadata(undefined, 0).size, 0);
});

test("GDAL_METADATA as gdal_translate writes it: text escaped twice reads back as GDAL shows it", () => {
  // Copied from a GeoTIFF gdal_translate 3.6 made from a VRT whose band description was `a & b <c>`, unit `m&m`
  // and item NOTE `x < y & z` (gdalinfo shows exactly those).
  const xml = `<GDALMetadata>
  <Item name="NOTE" sample="0">x &amp;lt; y &amp;amp; z</Item>
  <Item name="UNITTYPE" sample="0" role="unittype">m&amp;amp;m</Item>
  <Item name="DESCRIPTION" sample="0" role="description">a &amp;amp; b &amp;lt;c&amp;gt;</Item>
</GDALMetadata>`;
  assert.deepEqual(
    [...bandMetadata(xml, 0)],
    [
      ["NOTE", "x < y & z"],
      ["UNITTYPE", "m&m"],
      ["DESCRIPTION", "a & b <c>"],
    ],
  );
});

test("stored statistics: STATISTICS_MINIMUM/_MAXIMUM items, with a comma or a point as decimal separator", async () => {
  const items = (min, max) =>
    `<GDALMetadata><Item name="STATISTICS_MAXIMUM" sample="0">${max}</Item>` +
    `<Item name="STATISTICS_MINIMUM" sample="0">${min}</Item></GDALMetadata>`;
  assert.deepEqual(bandStatistics(items("1520", "1826"), 0), { min: 1520, max: 1826 });
  // Written under a comma locale (castro_dem.tiff's): GDAL's CPLAtofM reads it as a decimal comma.
  assert.deepEqual(bandStatistics(items("0,43000000715256", "76,773635864258"), 0), {
    min: 0.43000000715256,
    max: 76.773635864258,
  });
  assert.equal(bandStatistics(items("1520", "1826"), 1), undefined, "another band's");
  assert.equal(bandStatistics(items("abc", "1826"), 0), undefined);
  assert.equal(bandStatistics(items("9", "1"), 0), undefined, "minimum above maximum");
  assert.equal(bandStatistics(undefined, 0), undefined);
  assert.equal(metadataNumber("12.5e1x"), 125);
  assert.equal(metadataNumber(" -7 "), -7);
  const dem = await openDem(sample("sdts_8821_oregon_basin_wy.tif"));
  assert.deepEqual(dem.statistics, { min: 1520, max: 1826 });
  await dem.close();
});
