// Reading a 4096² Int16 DEFLATE-tiled DEM (made with GDAL): demgrad's strip reader (node:zlib, block-row copies)
// against geotiff.js's plain readRasters (pako, per-pixel copy). Best of 3 runs. Run: node bench/read.js
// (BENCH_SIZE=… for another size).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { fromFile } from "geotiff";
import { openDem } from "../dist/index.js";
import { has, table } from "./common.js";
import { makeDem } from "./make-dem.js";

const size = Number(process.env.BENCH_SIZE ?? 4096);
const STRIP_ROWS = 256;

async function plainReadRasters(file) {
  const tiff = await fromFile(file);
  await (await tiff.getImage()).readRasters();
  await tiff.close();
}

async function demgradReadRows(file) {
  const handle = await openDem(file);
  const strip = new Float64Array(STRIP_ROWS * handle.width);
  for (let row = 0; row < handle.height; row += STRIP_ROWS) {
    await handle.readRows(row, Math.min(STRIP_ROWS, handle.height - row), strip);
  }
  await handle.close();
}

async function bestSeconds(run, file, runs = 3) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run(file);
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

const dir = mkdtempSync(`${tmpdir()}/demgrad-bench-read-`);
try {
  if (!has("gdal_translate"))
    throw new Error("bench/read.js needs gdal_translate (gdal-bin) to make its DEM");
  const file = makeDem(dir, size, "Int16");
  const megapixels = (size * size) / 1e6;
  const plain = await bestSeconds(plainReadRasters, file);
  const ours = await bestSeconds(demgradReadRows, file);
  console.log(`Reading a ${size}×${size} Int16 DEFLATE-tiled (256×256, predictor 2) DEM, best of 3`);
  table(
    [
      ["geotiff.js readRasters()", plain],
      [`demgrad readRows, ${STRIP_ROWS}-row strips → float64`, ours],
    ].map(([method, seconds]) => ({
      method,
      "wall s": seconds.toFixed(3),
      "Mpixel/s": (megapixels / seconds).toFixed(1),
      "× readRasters": (plain / seconds).toFixed(2),
    })),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
