// Streams a 20000×20000 Float32 raster row by row into a DEFLATE-tiled GeoTIFF and reports wall time, throughput
// and peak RSS (memory must not grow with the raster: target < 256 MiB). A second line measures the compressor
// alone (predictor + DEFLATE of tiles of the same surface, as many at once as the writer keeps in flight): the
// writer should come close to it, i.e. compression, not the writer, sets the pace.
// Run: node bench/write-large.js [size]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRasterWriter } from "../dist/index.js";
import { compressTile, predictTile } from "../dist/io/tiff-compress.js";
import { table } from "./common.js";

const size = Number(process.argv[2] ?? 20000);
const rowsPerWrite = 64;
const surface = (row, col) => 500 + 300 * Math.sin(row / 700) * Math.cos(col / 900);

async function writeLarge(dir) {
  const path = `${dir}/large.tif`;
  const start = performance.now();
  const writer = await createRasterWriter(path, {
    width: size,
    height: size,
    sampleType: "Float32",
    nodata: -9999,
  });
  const rows = new Float32Array(rowsPerWrite * size);
  for (let row = 0; row < size; row += rowsPerWrite) {
    const n = Math.min(rowsPerWrite, size - row);
    for (let r = 0; r < n; r++) for (let c = 0; c < size; c++) rows[r * size + c] = surface(row + r, c);
    await writer.writeRows([rows.subarray(0, n * size)], n);
  }
  await writer.finish();
  const seconds = (performance.now() - start) / 1000;
  return { seconds, fileBytes: statSync(path).size, rss: process.resourceUsage().maxRSS / 1024 };
}

/** MiB/s of predictor + DEFLATE over one tile row of the surface, 32 tiles in flight. */
async function compressorAlone() {
  const across = 64;
  const tileRow = new Float32Array(across * 256 * 256);
  for (let r = 0; r < 256; r++)
    for (let c = 0; c < across * 256; c++) tileRow[r * across * 256 + c] = surface(r, c);
  const start = performance.now();
  const inFlight = [];
  for (let t = 0; t < across; t++) {
    if (inFlight.length >= 32) await inFlight.shift();
    inFlight.push(compressTile(predictTile(tileRow, across * 256, t * 256, 256, 3), "deflate"));
  }
  await Promise.all(inFlight);
  return tileRow.byteLength / 2 ** 20 / ((performance.now() - start) / 1000);
}

const dir = mkdtempSync(`${tmpdir()}/demgrad-bench-write-`);
try {
  const alone = await compressorAlone();
  const { seconds, fileBytes, rss } = await writeLarge(dir);
  const megabytes = (size * size * 4) / 2 ** 20;
  table([
    {
      what: `writer, ${size}×${size} Float32`,
      "wall s": seconds.toFixed(1),
      "MiB/s (uncompressed)": (megabytes / seconds).toFixed(0),
      "file MiB": (fileBytes / 2 ** 20).toFixed(0),
      "peak RSS MiB": rss.toFixed(0),
    },
    {
      what: "predictor 3 + DEFLATE alone",
      "wall s": "",
      "MiB/s (uncompressed)": alone.toFixed(0),
      "file MiB": "",
      "peak RSS MiB": "",
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
