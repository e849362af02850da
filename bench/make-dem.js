// Benchmark input: a smooth, realistic-looking DEM of a given size as a DEFLATE-tiled UTM GeoTIFF, made with GDAL
// from raw values (so the benchmark input does not depend on demgrad's own writer).

import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";

export function makeDem(dir, size, type = "Int16") {
  const raw = `${dir}/dem.bin`;
  const values = type === "Int16" ? new Int16Array(size * size) : new Float32Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const u = c / size;
      const v = r / size;
      values[r * size + c] =
        800 +
        600 * Math.sin(7 * u) * Math.cos(5 * v) +
        150 * Math.sin(37 * u + 11 * v) +
        40 * Math.cos(91 * v - 53 * u);
    }
  }
  writeFileSync(raw, values);
  writeFileSync(
    `${dir}/dem.hdr`,
    `ENVI\nsamples = ${size}\nlines = ${size}\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\ndata type = ${type === "Int16" ? 2 : 4}\ninterleave = bsq\nbyte order = 0\nmap info = {UTM, 1, 1, 400000, 5200000, 30, 30, 32, North, WGS-84}\n`,
  );
  const tif = `${dir}/dem.tif`;
  const result = spawnSync("gdal_translate", [
    "-q",
    "-a_srs",
    "EPSG:32632",
    "-co",
    "TILED=YES",
    "-co",
    "COMPRESS=DEFLATE",
    "-co",
    "PREDICTOR=2",
    raw,
    tif,
  ]);
  if (result.status !== 0) throw new Error(`gdal_translate failed: ${result.stderr}`);
  return tif;
}
