// Shared by the writer tests: deterministic values, reading outputs back with geotiff.js and GDAL, and a Georef
// for a sample file built here from its tags (geotiff.js) and GDAL — independent of demgrad's reader.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fromFile } from "geotiff";
import { writeGeoTiff } from "../../dist/index.js";
import { gdal, HAS_GDAL } from "../helpers/cli.js";
import { geoTiffTags, TYPED_ARRAYS } from "../helpers/raster.js";

/** Deterministic pseudo-random values of a sample type over its whole range; floats include NaN and ±0. */
export function values(type, n, seed) {
  const out = new TYPED_ARRAYS[type](n);
  const bytes = new Uint8Array(out.buffer);
  let s = seed;
  for (let i = 0; i < bytes.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    bytes[i] = s >>> 24;
  }
  if (type.startsWith("Float")) {
    // Random bits make NaNs of every payload; keep one canonical NaN every 97 values and finite values elsewhere.
    for (let i = 0; i < n; i++) {
      if (i % 97 === 5) out[i] = Number.NaN;
      else if (!Number.isFinite(out[i])) out[i] = i % 2 ? -0 : 1234.5;
    }
  }
  return out;
}

/** Every band of a GeoTIFF as geotiff.js reads it. */
export async function readBack(path) {
  const tiff = await fromFile(path);
  try {
    const image = await tiff.getImage();
    const bands = await image.readRasters();
    return { bands: [...bands], width: image.getWidth(), height: image.getHeight() };
  } finally {
    tiff.close?.();
  }
}

/**
 * GDAL's view of a file's `bands` × `n` pixels: `gdal_translate -of ENVI` (band-sequential raw) split into bands.
 * (GDAL pads a 1-byte ENVI file to 2 bytes, hence `n`.)
 */
export function gdalBands(path, type, bands, n, scratch) {
  const { stderr } = gdal("gdal_translate", ["-q", "-of", "ENVI", path, scratch]);
  const bytes = readFileSync(scratch);
  const Typed = TYPED_ARRAYS[type];
  const all = new Typed(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bands * n * Typed.BYTES_PER_ELEMENT),
  );
  return { bands: Array.from({ length: bands }, (_, b) => all.subarray(b * n, (b + 1) * n)), stderr };
}

/** Bit-exact equality (NaN equals NaN, −0 differs from 0). */
export const same = (a, b) =>
  a.length === b.length && Array.prototype.every.call(a, (v, i) => Object.is(v, b[i]));

/**
 * A Georef for a sample: tags verbatim from geotiff.js, the geotransform computed from scale + tiepoint (pixel
 * corner, PixelIsPoint shifted as GDAL does), the CRS as EPSG code or GDAL's proj4 text. Also the source's
 * pixels, sample type and GDAL_NODATA value.
 */
export async function sampleGeoref(path, { withProj4 = false } = {}) {
  const tiff = await fromFile(path);
  try {
    const image = await tiff.getImage();
    const fd = image.fileDirectory;
    const tags = await geoTiffTags(image);
    const keys = image.getGeoKeys();
    const [sx, sy] = tags.ModelPixelScale;
    const [i, j, , x, y] = tags.ModelTiepoint;
    const half = keys.GTRasterTypeGeoKey === 2 ? 0.5 : 0;
    const geoTransform = [x - (i + half) * sx, sx, 0, y + (j + half) * sy, 0, -sy];
    const code = keys.GTModelTypeGeoKey === 2 ? keys.GeographicTypeGeoKey : keys.ProjectedCSTypeGeoKey;
    const crs = { kind: keys.GTModelTypeGeoKey === 2 ? "geographic" : "projected" };
    if (code && code !== 32767) crs.epsg = code;
    if (withProj4) crs.proj4 = gdal("gdalsrsinfo", ["-o", "proj4", path]).stdout.trim();
    const width = image.getWidth();
    const height = image.getHeight();
    const [data] = await image.readRasters();
    const nodataText = fd.getValue("GDAL_NODATA");
    return {
      georef: {
        width,
        height,
        geoTransform,
        crs,
        verticalUnit: { metres: 1, name: "metre", source: "default" },
        tags,
      },
      data,
      nodata: nodataText === undefined ? undefined : Number(nodataText.replace(/\0/g, "")),
    };
  } finally {
    tiff.close?.();
  }
}

const EXPECTED_COMPRESSION = { deflate: "DEFLATE", lzw: "LZW", none: undefined };

/**
 * Round trips of every codec and awkward size for `types`, in both layouts: geotiff.js and GDAL read the written
 * values back bit-exact, and gdalinfo sees the codec, predictor and tiling (256² plain, 512² COG) without a warning.
 */
export function roundTripTests(types, dir, like) {
  for (const type of types) {
    for (const [compress, layout] of ["deflate", "lzw", "none"].flatMap((c) => [
      [c, "plain"],
      [c, "cog"],
    ])) {
      for (const [width, height, bands] of [
        [300, 270, 1],
        [257, 3, 2],
        [1, 1, 1],
        [1, 40, 3],
        [513, 1, 1],
      ]) {
        test(`${type} ${compress} ${layout} ${width}×${height}×${bands}`, async () => {
          const data = Array.from({ length: bands }, (_, b) => values(type, width * height, 7 + b));
          const path = `${dir}/${type}-${compress}-${layout}-${width}x${height}x${bands}.tif`;
          await writeGeoTiff(
            path,
            { width, height, bands: data },
            { like: { ...like, width, height }, compress, sampleType: type, layout },
          );
          const back = await readBack(path);
          assert.equal(back.bands.length, bands);
          for (let b = 0; b < bands; b++)
            assert.ok(same(back.bands[b], data[b]), `geotiff.js: band ${b} differs`);
          if (!HAS_GDAL) return;
          const fromGdal = gdalBands(path, type, bands, width * height, `${path}.raw`);
          assert.equal(fromGdal.stderr, "", "gdal_translate warns");
          for (let b = 0; b < bands; b++)
            assert.ok(same(fromGdal.bands[b], data[b]), `GDAL: band ${b} differs`);
          if (width * height < 700) return; // the layout checks once per type and codec
          const { stdout, stderr } = gdal("gdalinfo", ["-json", "-checksum", path]);
          assert.equal(stderr, "", "gdalinfo warns");
          const info = JSON.parse(stdout);
          const structure = info.metadata.IMAGE_STRUCTURE;
          assert.equal(structure.COMPRESSION, EXPECTED_COMPRESSION[compress]);
          const predictor = compress === "none" ? undefined : type.startsWith("Float") ? "3" : "2";
          assert.equal(structure.PREDICTOR, predictor);
          assert.equal(structure.INTERLEAVE, "BAND");
          assert.deepEqual(
            info.bands.map((band) => [band.type, band.block]),
            Array(bands).fill([type, layout === "plain" ? [256, 256] : [512, 512]]),
          );
        });
      }
    }
  }
}
