// Reading a 4096² Int16 DEFLATE-tiled DEM: demgrad's strip reader (node:zlib, block-row copies) against
// geotiff.js's plain readRasters (pako, per-pixel copy). Run: node bench/read.js
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { fromFile } from "geotiff";
import { openDem } from "../dist/index.js";
import { has, table } from "./common.js";
import { makeDem } from "./make-dem.js";

const size = Number(process.env.BENCH_SIZE ?? 4096);
const dir = mkdtempSync(`${tmpdir()}/demgrad-bench-read-`);
try {
  if (!has("gdal_translate"))
    throw new Error("bench/read.js needs gdal_translate (gdal-bin) to make its DEM");
  const dem = makeDem(dir, size, "Int16");
  const rows = [];
  for (let run = 0; run < 3; run++) {
    let t = performance.now();
    const tiff = await fromFile(dem);
    const image = await tiff.getImage();
    await image.readRasters();
    const plain = (performance.now() - t) / 1000;
    tiff.close();
    t = performance.now();
    const handle = await openDem(dem);
    const strip = new Float64Array(256 * size);
    for (let row = 0; row < size; row += 256) await handle.readRows(row, Math.min(256, size - row), strip);
    await handle.close();
    const ours = (performance.now() - t) / 1000;
    rows.push({
      run: run + 1,
      "readRasters s": plain.toFixed(3),
      "demgrad readRows s": ours.toFixed(3),
      speedup: `${(plain / ours).toFixed(2)}×`,
    });
  }
  console.log(`Reading a ${size}×${size} Int16 DEFLATE-tiled (256) DEM`);
  table(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
