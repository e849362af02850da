// GDAL reads the writer's GeoTIFFs with the source's georeferencing: real samples (UTM, geographic, a custom
// Albers with no EPSG code, an odd ellipsoid, a local CRS with PixelIsPoint) are rewritten with their own pixels
// and tags, and gdalinfo must report the same CRS, geotransform, nodata and checksum, no warning of ours, and
// the band description and unit.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import { writeGeoTiff } from "../../dist/index.js";
import { gdal, HAS_GDAL } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";
import { sampleGeoref } from "./write-support.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-write-georef-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const gdalinfo = (path) => {
  const { stdout, stderr } = gdal("gdalinfo", ["-json", "-checksum", path]);
  return { info: JSON.parse(stdout), stderr };
};

describe("GDAL reads outputs with the source's georeferencing", {
  skip: !HAS_GDAL && "gdal-bin not installed",
}, () => {
  for (const file of [
    "dtm.tif", // EPSG:26918, Float32, nodata −9999
    "inldata_dem.tif", // custom Albers on NAD83, no EPSG code
    "N43E006.tiff", // geographic EPSG:4326
    "dem-hills.tiff", // lon/lat on an odd ellipsoid, nodata −999999
    "whitebox_DEM.tif", // local CRS, PixelIsPoint, a malformed GeoKey GDAL already warns about
    "castro_dem.tiff", // nodata −FLT_MAX written as decimal text
  ]) {
    test(file, { skip: missing(file) }, async () => {
      const source = sample(file);
      const { georef, data, nodata } = await sampleGeoref(source);
      const out = `${dir}/${file}.tif`;
      await writeGeoTiff(
        out,
        { width: georef.width, height: georef.height, data },
        { like: georef, nodata: nodata ?? -9999, bandDescriptions: ["elevation"], units: ["metre"] },
      );
      const src = gdalinfo(source);
      const { info, stderr } = gdalinfo(out);
      // No warning of our own: only what GDAL already says of the source.
      assert.equal(stderr.replaceAll(out, "F"), src.stderr.replaceAll(source, "F"));
      assert.equal(info.coordinateSystem.wkt, src.info.coordinateSystem.wkt);
      assert.deepEqual(info.geoTransform, src.info.geoTransform);
      assert.equal(info.metadata[""]?.AREA_OR_POINT, src.info.metadata[""]?.AREA_OR_POINT);
      const band = info.bands[0];
      const sourceBand = src.info.bands[0];
      assert.equal(band.type, sourceBand.type);
      assert.equal(band.checksum, sourceBand.checksum, "the same pixels");
      assert.equal(band.noDataValue, sourceBand.noDataValue ?? -9999);
      assert.equal(info.metadata.IMAGE_STRUCTURE.COMPRESSION, "DEFLATE");
      assert.equal(info.metadata.IMAGE_STRUCTURE.PREDICTOR, band.type.startsWith("Float") ? "3" : "2");
      assert.deepEqual(band.block, [512, 512]); // the default COG layout's tiles
      assert.equal(band.description, "elevation");
      assert.equal(band.unit, "metre");
    });
  }

  test("without a geotransform the source's transform tags are copied verbatim", async () => {
    const source = sample("inldata_dem.tif");
    const { georef } = await sampleGeoref(source);
    const out = `${dir}/verbatim.tif`;
    const data = new Float32Array(georef.width * georef.height);
    await writeGeoTiff(
      out,
      { width: georef.width, height: georef.height, data },
      {
        like: { ...georef, geoTransform: undefined },
      },
    );
    const { info, stderr } = gdalinfo(out);
    assert.equal(stderr, "");
    assert.deepEqual(info.geoTransform, gdalinfo(source).info.geoTransform);
    const srs = (path) => gdal("gdalsrsinfo", ["-o", "wkt", path]).stdout;
    assert.equal(srs(out), srs(source));
  });

  test("a rotated geotransform is written as a ModelTransformation", async () => {
    const { georef } = await sampleGeoref(sample("dtm.tif"));
    const gt = [500000, 2, 0.5, 4100000, 0.25, -2];
    const out = `${dir}/rotated.tif`;
    await writeGeoTiff(
      out,
      { width: 4, height: 3, data: new Float32Array(12) },
      {
        like: { ...georef, width: 4, height: 3, geoTransform: gt },
      },
    );
    const { info, stderr } = gdalinfo(out);
    assert.equal(stderr, "");
    assert.deepEqual(info.geoTransform, gt);
  });

  test("GDAL_NODATA as GDAL writes it: nan, 0, negative", async () => {
    for (const [nodata, expected] of [
      [Number.NaN, "NaN"],
      [0, 0],
      [-32768, -32768],
      [1.5e-7, 1.5e-7],
    ]) {
      const out = `${dir}/nodata-${String(nodata)}.tif`;
      await writeGeoTiff(out, { width: 2, height: 2, data: Float64Array.of(1, nodata, 3, 4) }, { nodata });
      const { info, stderr } = gdalinfo(out);
      assert.equal(stderr, "");
      assert.equal(info.bands[0].noDataValue, expected);
    }
  });

  test("descriptions and units of several bands", async () => {
    const out = `${dir}/bands.tif`;
    const band = new Float32Array(6);
    await writeGeoTiff(
      out,
      { width: 3, height: 2, bands: [band, band] },
      {
        bandDescriptions: ["dz/dx (east)", "dz/dy <north> & more"],
        units: ["m/m", "m & <s>"],
      },
    );
    const { info, stderr } = gdalinfo(out);
    assert.equal(stderr, "");
    assert.deepEqual(
      info.bands.map((b) => [b.description, b.unit]),
      [
        ["dz/dx (east)", "m/m"],
        ["dz/dy <north> & more", "m & <s>"],
      ],
    );
  });
});
