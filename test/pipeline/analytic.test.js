// Analytic truth: planes z = a·east + b·north (ground metres) in many CRSs. With default options demgrad's slope
// must be within 0.01° of atan(√(a²+b²)) and its aspect within 0.1° of the true compass bearing at every pixel,
// borders included. gdaldem's nominal approach fails most of these (see docs/accuracy.md).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, test } from "node:test";
import { processDem } from "../../dist/index.js";
import { angleDiff, readBand } from "../helpers/raster.js";
import { writePlane } from "../helpers/synthetic.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-analytic-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const W = 40;
const H = 30;
const deg = 1 / 3600; // one arc-second
const CASES = {
  "EPSG:4326 at the equator": { epsg: 4326, geographic: true, gt: [10, deg, 0, 0.01, 0, -deg] },
  "EPSG:4326 at 60°N": { epsg: 4326, geographic: true, gt: [10, deg, 0, 60.01, 0, -deg] },
  "EPSG:3857 at 60°N": { epsg: 3857, gt: [1113194.9, 60, 0, 8399737.9, 0, -60] },
  "UTM 33N 3.5° east of its meridian": { epsg: 32633, gt: [770000, 30, 0, 5210000, 0, -30] },
  "State Plane NY Long Island, US survey feet (Lambert)": {
    epsg: 2263,
    gt: [1000000, 100, 0, 200000, 0, -100],
  },
  "CONUS Albers at a standard parallel": { epsg: 5070, gt: [78000, 30, 0, 2502000, 0, -30] },
  "polar stereographic north": { epsg: 3413, gt: [-1200000, 50, 0, -1000000, 0, -50] },
  "south-up UTM 33N": { epsg: 32633, gt: [500000, 30, 0, 5000000, 0, 30] },
  "UTM 32N with elevations in feet": {
    epsg: 32632,
    gt: [400000, 25, 0, 5100000, 0, -25],
    unitMetres: 0.3048,
    unit: "ft",
  },
};

for (const [name, setup] of Object.entries(CASES)) {
  test(`plane in ${name}`, async () => {
    for (const [a, b] of [
      [0.3, -0.2],
      [-0.05, 0.6],
    ]) {
      const dem = `${dir}/plane.tif`;
      const truth = await writePlane(dem, { ...setup, width: W, height: H, a, b });
      const outputs = { slope: `${dir}/slope.tif`, aspect: `${dir}/aspect.tif` };
      await processDem(dem, outputs, { warn: () => {} });
      const slope = await readBand(outputs.slope);
      const aspect = await readBand(outputs.aspect);
      for (let i = 0; i < W * H; i++) {
        assert.ok(
          Math.abs(slope.data[i] - truth.slope) < 0.01,
          `pixel ${i}: slope ${slope.data[i]} vs ${truth.slope}`,
        );
        const d = angleDiff(aspect.data[i], truth.aspect[i]);
        assert.ok(d < 0.1, `pixel ${i}: aspect ${aspect.data[i]} vs ${truth.aspect[i]}`);
      }
    }
  });
}
