// The PNG encoder of web map tiles: sharp (libspng/libpng) and GDAL decode its files to the very pixels, for every
// colour type, odd sizes, through libdeflate and through node:zlib; bad arguments are refused.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, test } from "node:test";
import sharp from "sharp";
import { encodePng, filterScanlines } from "../../dist/io/png-encoder.js";
import { HAS_GDAL, ROOT } from "../helpers/cli.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-png-encoder-`);
after(() => rmSync(dir, { recursive: true, force: true }));

/** Pixels with smooth parts, steps, wrap-around differences (0 above 255) and an alpha channel that varies. */
function pixels(width, height, channels) {
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const k = (y * width + x) * channels + c;
        out[k] = (x * (c + 1) * 7 + y * 13 + (((x ^ y) & 8) !== 0 ? 200 : 0) + c * 50) & 255;
      }
    }
  }
  return out;
}

/** The pixels sharp decodes, in the file's own channels (sharp hands grey out as RGB: keep its first channel). */
async function decodeWithSharp(png) {
  const { channels } = await sharp(png).metadata();
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const picks = { 1: [0], 2: [0, 3], 3: [0, 1, 2], 4: [0, 1, 2, 3] }[channels];
  const count = info.width * info.height;
  const out = new Uint8Array(count * channels);
  for (let k = 0; k < count; k++)
    for (let c = 0; c < channels; c++) out[k * channels + c] = data[4 * k + picks[c]];
  return { data: out, channels, width: info.width, height: info.height };
}

const CASES = [
  [256, 256, 2],
  [256, 256, 4],
  [37, 5, 1],
  [1, 1, 3],
  [19, 23, 4],
];

describe("encodePng", () => {
  for (const [width, height, channels] of CASES) {
    test(`sharp decodes ${width}×${height}×${channels} to the same pixels`, async () => {
      const source = pixels(width, height, channels);
      const png = await encodePng(source, width, height, channels);
      const decoded = await decodeWithSharp(png);
      assert.deepEqual([decoded.width, decoded.height, decoded.channels], [width, height, channels]);
      assert.deepEqual(decoded.data, source);
    });
  }

  test("the pixels may be reused once the call returns", async () => {
    const source = pixels(64, 64, 2);
    const copy = source.slice();
    const pending = encodePng(source, 64, 64, 2);
    source.fill(0);
    assert.deepEqual((await decodeWithSharp(await pending)).data, copy);
  });

  test("through node:zlib (DEMGRAD_DEFLATE=zlib) too, with the same pixels", () => {
    const script = `
      import { encodePng } from ${JSON.stringify(`${ROOT}dist/io/png-encoder.js`)};
      import { deflateBackend } from ${JSON.stringify(`${ROOT}dist/io/libdeflate.js`)};
      const png = await encodePng(new Uint8Array(300).map((_, i) => i * 7), 10, 10, 3);
      process.stdout.write(JSON.stringify([deflateBackend(), Buffer.from(png).toString("base64")]));`;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      env: { ...process.env, DEMGRAD_DEFLATE: "zlib" },
    });
    assert.equal(result.status, 0, result.stderr);
    const [backend, base64] = JSON.parse(result.stdout);
    assert.equal(backend, "zlib");
    return decodeWithSharp(Buffer.from(base64, "base64")).then((decoded) =>
      assert.deepEqual(
        decoded.data,
        new Uint8Array(300).map((_, i) => i * 7),
      ),
    );
  });

  test("refuses a pixel array of the wrong length, bad sizes and channel counts", () => {
    assert.throws(() => encodePng(new Uint8Array(10), 2, 2, 2), /expected 8 bytes for a 2×2×2 image/);
    assert.throws(() => encodePng(new Uint8Array(0), 0, 0, 1), /positive integer width and height/);
    assert.throws(() => encodePng(new Uint8Array(5), 5, 1, 5), /1 to 4 channels/);
  });

  test("filters rows with Up (the first row with None)", () => {
    const lines = filterScanlines(new Uint8Array([10, 20, 5, 30]), 2, 2, 1);
    assert.deepEqual([...lines], [0, 10, 20, 2, 251, 10]);
  });
});

describe("encodePng and GDAL", { skip: HAS_GDAL ? false : "GDAL is not installed" }, () => {
  test("GDAL's PNG driver reads the same pixels, band by band", async () => {
    const [width, height, channels] = [61, 17, 4];
    const source = pixels(width, height, channels);
    const path = `${dir}/gdal.png`;
    writeFileSync(path, await encodePng(source, width, height, channels));
    // GDAL's Python (numpy) prints the bands interleaved as the source is.
    const script = `
from osgeo import gdal
import numpy, sys
ds = gdal.Open(sys.argv[1])
bands = [ds.GetRasterBand(b + 1).ReadAsArray() for b in range(ds.RasterCount)]
sys.stdout.write(",".join(str(v) for v in numpy.dstack(bands).ravel()))`;
    const result = spawnSync("/usr/bin/python3", ["-c", script, path], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.stdout.split(",").map(Number), [...source]);
  });
});
