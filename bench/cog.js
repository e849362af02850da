// The cost of the COG layout: the same Float32 raster (a slope-like surface) streamed row by row into the writer
// with the plain layout (256² tiles, directory at the end) and the default COG layout (512² tiles, overviews
// reduced as the rows pass, then assembled from the scratch file). Each run is its own process, so peak RSS is
// that layout's. Reports wall time, the time of `finish` (for a COG: the last overview rows and the assembly),
// file size and peak RSS.
// Run: node bench/cog.js [size=8192] [runs=1]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { createRasterWriter } from "../dist/index.js";
import { table } from "./common.js";

const surface = (row, col) =>
  Math.abs(30 * Math.sin(row / 300) * Math.cos(col / 450) + 5 * Math.sin((row + 2 * col) / 37));

async function writeOnce(layout, size, dir) {
  const path = `${dir}/${layout}.tif`;
  const rowsPerWrite = 64;
  const rows = new Float32Array(rowsPerWrite * size);
  const start = performance.now();
  const writer = await createRasterWriter(path, {
    width: size,
    height: size,
    sampleType: "Float32",
    nodata: -9999,
    layout,
  });
  for (let row = 0; row < size; row += rowsPerWrite) {
    const n = Math.min(rowsPerWrite, size - row);
    for (let r = 0; r < n; r++) for (let c = 0; c < size; c++) rows[r * size + c] = surface(row + r, c);
    await writer.writeRows([rows.subarray(0, n * size)], n);
  }
  const finishing = performance.now();
  await writer.finish();
  const end = performance.now();
  return {
    seconds: (end - start) / 1000,
    finish: (end - finishing) / 1000,
    bytes: statSync(path).size,
    rss: process.resourceUsage().maxRSS / 1024,
  };
}

if (process.argv[2] === "--child") {
  const [, , , layout, size, dir] = process.argv;
  console.log(JSON.stringify(await writeOnce(layout, Number(size), dir)));
} else {
  const size = Number(process.argv[2] ?? 8192);
  const runs = Number(process.argv[3] ?? 1);
  const dir = mkdtempSync(`${tmpdir()}/demgrad-bench-cog-`);
  const rowsOut = [];
  try {
    for (let run = 0; run < runs; run++) {
      for (const layout of ["plain", "cog"]) {
        const out = execFileSync(
          process.execPath,
          [fileURLToPath(import.meta.url), "--child", layout, String(size), dir],
          { encoding: "utf8" },
        );
        const r = JSON.parse(out);
        rowsOut.push({
          size: `${size}²`,
          layout,
          "wall s": r.seconds.toFixed(2),
          "finish s": r.finish.toFixed(2),
          "file MiB": (r.bytes / 2 ** 20).toFixed(1),
          "peak RSS MiB": r.rss.toFixed(0),
        });
        rmSync(`${dir}/${layout}.tif`, { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  table(rowsOut);
}
