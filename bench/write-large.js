// Streams a 20000×20000 Float32 raster row by row into a DEFLATE-tiled GeoTIFF and reports wall time, throughput
// and peak RSS (memory must not grow with the raster: target < 256 MiB). Run: node bench/write-large.js [size]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRasterWriter } from "../dist/index.js";
import { table } from "./common.js";

const size = Number(process.argv[2] ?? 20000);
const rowsPerWrite = 64;
const dir = mkdtempSync(`${tmpdir()}/demgrad-bench-write-`);
try {
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
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < size; c++)
        rows[r * size + c] = 500 + 300 * Math.sin((row + r) / 700) * Math.cos(c / 900);
    }
    await writer.writeRows([rows.subarray(0, n * size)], n);
  }
  await writer.finish();
  const seconds = (performance.now() - start) / 1000;
  const megabytes = (size * size * 4) / 2 ** 20;
  table([
    {
      raster: `${size}×${size} Float32`,
      "wall s": seconds.toFixed(1),
      "MiB/s (uncompressed)": (megabytes / seconds).toFixed(0),
      "file MiB": (statSync(path).size / 2 ** 20).toFixed(0),
      "peak RSS MiB": (process.resourceUsage().maxRSS / 1024).toFixed(0),
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
