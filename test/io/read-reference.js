// GDAL as the reference for the reader tests: metadata from `gdalinfo -json`, pixel values from a raw ENVI dump made
// by `gdal_translate`, and one comparison routine that checks a DEM handle against both.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { deflateSync } from "node:zlib";
import { openDem, readDem } from "../../dist/index.js";
import { gdal } from "../helpers/cli.js";
import { TYPED_ARRAYS } from "../helpers/raster.js";
import { sample } from "../helpers/samples.js";

/** The source of the synthetic layouts: 143×107 Int16. */
export const SOURCE = sample("storml_elev.tif");
/** The same area with a nodata (32767) border. */
export const WITH_HOLES = sample("storml_elev_orig.tif");
export const TILED = ["-co", "TILED=YES", "-co", "BLOCKXSIZE=64", "-co", "BLOCKYSIZE=32"];

/**
 * One test per layout: `gdal_translate` makes the file, then `checkAgainstGdal` compares each listed band.
 * `layouts`: name → [gdal_translate options, source (SOURCE), bands ([1])]; `extra(name, handle)` adds checks.
 */
export function testLayouts(dir, layouts, extra = () => {}) {
  for (const [name, [args, source = SOURCE, bands = [1]]] of Object.entries(layouts)) {
    test(name, async () => {
      const file = `${dir}/${name.replace(/\W+/g, "_")}.tif`;
      gdal("gdal_translate", ["-q", ...args, source, file]);
      for (const band of bands) extra(name, await checkAgainstGdal(dir, file, band));
    });
  }
}

/** `gdalinfo -json` of a file (`-mm` adds the actual min/max of every band). */
export function gdalInfo(file, ...args) {
  return JSON.parse(gdal("gdalinfo", ["-json", ...args, file]).stdout);
}

/** The sample type name demgrad uses for GDAL's band type (GDAL 3.6 calls signed bytes "Byte" + SIGNEDBYTE). */
export function sampleTypeOf(info, band) {
  const b = info.bands[band - 1];
  if (b.type !== "Byte") return b.type;
  return b.metadata?.IMAGE_STRUCTURE?.PIXELTYPE === "SIGNEDBYTE" ? "Int8" : "UInt8";
}

/** Band `band` of `file` as GDAL reads it: a typed array of `type` from a raw ENVI dump (`args` add options). */
export function gdalBand(dir, file, band, type, args = []) {
  const raw = `${dir}/ref-${Math.random().toString(36).slice(2)}.bin`;
  gdal("gdal_translate", ["-q", "-of", "ENVI", "-b", String(band), ...args, file, raw]);
  const bytes = readFileSync(raw);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return new TYPED_ARRAYS[type](buffer);
}

function sameValue(a, b) {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function assertSameArray(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!sameValue(actual[i], expected[i]))
      assert.fail(`${what}: pixel ${i} is ${actual[i]}, GDAL ${expected[i]}`);
  }
}

/**
 * Checks demgrad's reading of band `band` of `file` against GDAL: size, band count, data type, nodata,
 * geotransform, CRS code, band unit, scale/offset, block layout, every stored value (`readWindow`), min/max, the
 * float64 elevations of `readRows` read in uneven strips from the bottom up (nodata → NaN, scale/offset applied,
 * compared with GDAL's own `-unscale` output), and `readDem`'s: the same in metres. Returns the (closed) handle for further checks of its metadata.
 */
export async function checkAgainstGdal(dir, file, band = 1) {
  const info = gdalInfo(file, "-mm");
  const gdalBandInfo = info.bands[band - 1];
  const type = sampleTypeOf(info, band);
  const handle = await openDem(file, { band, warn: () => {} });
  try {
    assert.equal(handle.width, info.size[0], "width");
    assert.equal(handle.height, info.size[1], "height");
    assert.equal(handle.bandCount, info.bands.length, "band count");
    assert.equal(handle.sampleType, type, "sample type");
    const nodata = gdalBandInfo.noDataValue;
    if (nodata === undefined) assert.equal(handle.nodata, undefined, "nodata");
    else if (nodata === "NaN") assert.ok(Number.isNaN(handle.nodata), "NaN nodata");
    else
      assert.equal(
        handle.nodata,
        type === "Float32" ? Math.fround(Number(nodata)) : Number(nodata),
        "nodata",
      );
    if (info.geoTransform) {
      handle.georef.geoTransform.forEach((v, k) => {
        const g = info.geoTransform[k];
        assert.ok(Math.abs(v - g) <= 1e-9 * Math.max(1, Math.abs(g)), `gt[${k}] ${v} vs GDAL ${g}`);
      });
    } else {
      assert.equal(handle.georef.geoTransform, undefined);
    }
    const epsg = /ID\["EPSG",(\d+)\]\]\s*$/.exec(info.coordinateSystem?.wkt ?? "")?.[1];
    if (epsg) assert.equal(handle.georef.crs.epsg, Number(epsg), "EPSG code");
    assert.equal(handle.bandUnit, gdalBandInfo.unit || undefined, "band unit");
    assert.equal(handle.scale, gdalBandInfo.scale ?? 1, "scale");
    assert.equal(handle.offset, gdalBandInfo.offset ?? 0, "offset");
    assert.deepEqual([handle.layout.blockWidth, handle.layout.blockHeight], gdalBandInfo.block, "block size");
    const compression = info.metadata?.IMAGE_STRUCTURE?.COMPRESSION ?? "none";
    assert.ok(
      compression.toUpperCase().startsWith(handle.layout.compression.toUpperCase()),
      `compression ${handle.layout.compression} vs GDAL ${compression}`,
    );

    // Stored values: the whole band, bit for bit.
    const stored = gdalBand(dir, file, band, type === "Int8" ? "Int8" : gdalBandInfo.type);
    const window = { x: 0, y: 0, width: handle.width, height: handle.height };
    assertSameArray(await handle.readWindow(window), stored, "stored values");

    // Elevations: GDAL's unscaled values where GDAL sees valid data, NaN elsewhere.
    const scaled = handle.scale !== 1 || handle.offset !== 0;
    const unscaled = scaled ? gdalBand(dir, file, band, "Float64", ["-unscale", "-ot", "Float64"]) : stored;
    const expected = Float64Array.from(stored, (v, i) =>
      sameValue(v, handle.nodata) || Number.isNaN(v) ? Number.NaN : unscaled[i],
    );
    // readDem: those elevations in metres (the file's vertical unit applied), nodata NaN.
    const dem = await readDem(file, { band, warn: () => {} });
    assert.deepEqual([dem.scale, dem.offset], [handle.scale, handle.offset], "readDem scale and offset");
    assert.deepEqual(dem.verticalUnit, handle.georef.verticalUnit, "readDem vertical unit");
    const metres = dem.verticalUnit.metres;
    assertSameArray(dem.data, metres === 1 ? expected : expected.map((v) => v * metres), "readDem metres");
    const strip = 37;
    const rows = new Float64Array(handle.width * handle.height);
    for (let first = Math.floor((handle.height - 1) / strip) * strip; first >= 0; first -= strip) {
      const count = Math.min(strip, handle.height - first);
      rows.set(await handle.readRows(first, count), first * handle.width);
    }
    assertSameArray(rows, expected, "readRows elevations");

    // GDAL's actual min/max of the valid stored values (gdalinfo -json prints them with 3 decimals).
    const valid = stored.filter((_, i) => !Number.isNaN(expected[i]));
    if (valid.length > 0 && gdalBandInfo.computedMin !== undefined) {
      const min = valid.reduce((a, b) => Math.min(a, b), Infinity);
      const max = valid.reduce((a, b) => Math.max(a, b), -Infinity);
      assert.ok(Math.abs(min - gdalBandInfo.computedMin) <= 5e-4 * (1 + 1e-12), `min ${min}`);
      assert.ok(Math.abs(max - gdalBandInfo.computedMax) <= 5e-4 * (1 + 1e-12), `max ${max}`);
    }
    return handle;
  } finally {
    await handle.close();
  }
}

/**
 * A big-endian ("MM") TIFF of Float32 or Float64 `values` written from the TIFF specification (one DEFLATE strip,
 * floating-point predictor as in TIFF Technical Note 3: each row's big-endian sample bytes split into byte planes,
 * most significant plane first, then byte-wise differences). Independent of GDAL's and demgrad's writers.
 */
export function bigEndianPredictor3Tiff(values, width, height) {
  const bytesPerSample = values.BYTES_PER_ELEMENT;
  const view = new DataView(new ArrayBuffer(values.length * bytesPerSample));
  for (let i = 0; i < values.length; i++) {
    if (bytesPerSample === 4) view.setFloat32(i * 4, values[i], false);
    else view.setFloat64(i * 8, values[i], false);
  }
  const sampleBytes = new Uint8Array(view.buffer);
  const rowBytes = width * bytesPerSample;
  const encoded = new Uint8Array(sampleBytes.length);
  for (let r = 0; r < height; r++) {
    const row = encoded.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let i = 0; i < width; i++) {
      for (let b = 0; b < bytesPerSample; b++)
        row[b * width + i] = sampleBytes[r * rowBytes + i * bytesPerSample + b];
    }
    for (let k = rowBytes - 1; k > 0; k--) row[k] = (row[k] - row[k - 1]) & 0xff;
  }
  const strip = deflateSync(encoded);
  const entries = [
    [256, 3, width], // ImageWidth
    [257, 3, height], // ImageLength
    [258, 3, bytesPerSample * 8], // BitsPerSample
    [259, 3, 8], // Compression: DEFLATE
    [262, 3, 1], // PhotometricInterpretation: black is zero
    [273, 4, 0], // StripOffsets (the data's offset is filled in below)
    [277, 3, 1], // SamplesPerPixel
    [278, 3, height], // RowsPerStrip
    [279, 4, strip.length], // StripByteCounts
    [317, 3, 3], // Predictor: floating point
    [339, 3, 3], // SampleFormat: IEEE float
  ];
  const dataOffset = 8 + 2 + entries.length * 12 + 4;
  const file = new DataView(new ArrayBuffer(dataOffset + strip.length));
  file.setUint16(0, 0x4d4d);
  file.setUint16(2, 42);
  file.setUint32(4, 8);
  file.setUint16(8, entries.length);
  entries.forEach(([tag, type, value], k) => {
    const at = 10 + k * 12;
    file.setUint16(at, tag);
    file.setUint16(at + 2, type);
    file.setUint32(at + 4, 1);
    if (type === 3) file.setUint16(at + 8, value);
    else file.setUint32(at + 8, tag === 273 ? dataOffset : value);
  });
  new Uint8Array(file.buffer).set(strip, dataOffset);
  return new Uint8Array(file.buffer);
}
