// Flat ground is flat on every grid kind: a constant DEM gives slope exactly 0 and aspect nodata (0 with
// --zero-for-flat) with every method and edge order — non-uniform steps (geographic rows, projected grids) must
// not leave a 1e-17 slope and an arbitrary aspect.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, test } from "node:test";
import { georefFromEpsg, processDem, writeGeoTiff } from "../../dist/index.js";
import { readBand } from "../helpers/raster.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-flat-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const [width, height] = [37, 29];
const GRIDS = {
  "EPSG:4326 at 43°N (3″)": [4326, [6, 1 / 1200, 0, 43.5, 0, -1 / 1200]],
  "UTM 33N 300 km off its meridian": [32633, [800000, 30, 0, 4800000, 0, -30]],
  "Web Mercator at 60°N": [3857, [1000000, 100, 0, 8400000, 0, -100]],
  "LAEA Europe far from its centre": [3035, [6500000, 100, 0, 2000000, 0, -100]],
};
const RUNS = [
  { method: "gradient", edgeOrder: 1 },
  { method: "gradient", edgeOrder: 2 },
  { method: "horn" },
  { method: "zevenbergen-thorne" },
];

for (const [name, [epsg, gt]] of Object.entries(GRIDS)) {
  test(`${name}: slope 0, aspect nodata (or 0 with zero-for-flat) everywhere`, async () => {
    const dem = `${dir}/${epsg}.tif`;
    const like = georefFromEpsg(epsg, gt, { width, height });
    await writeGeoTiff(dem, { width, height, data: new Float32Array(width * height).fill(217.25) }, { like });
    for (const run of RUNS) {
      const out = { slope: `${dir}/${epsg}.s.tif`, aspect: `${dir}/${epsg}.a.tif` };
      await processDem(dem, out, { ...run, warn: () => {} });
      const slope = (await readBand(out.slope)).data;
      const aspect = (await readBand(out.aspect)).data;
      assert.ok(
        slope.every((v) => v === 0),
        `${JSON.stringify(run)}: slope ${slope.find((v) => v !== 0)}`,
      );
      assert.ok(
        aspect.every((v) => v === -9999),
        `${JSON.stringify(run)}: aspect ${aspect.find((v) => v !== -9999)}`,
      );
      await processDem(dem, { aspect: out.aspect }, { ...run, zeroForFlat: true, warn: () => {} });
      assert.ok(
        (await readBand(out.aspect)).data.every((v) => v === 0),
        `${JSON.stringify(run)} zero-for-flat`,
      );
    }
  });
}
