// Analytic truth: planes z = a·east + b·north (ground metres, computed in test/pipeline/ground-plane.js with proj4
// and GeographicLib) on conformal and non-conformal grids, rotated and sheared ones included. With default options
// demgrad's slope, aspect (true north and, with --north grid, from the map's +y) and gradient (east, north) must
// match the truth at every pixel, borders included, within about 2.5× the error measured (Float32 storage); the
// hillshade's light stays relative to the map (the truth's gradient along the map's axes shaded, ±1 grey level).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, test } from "node:test";
import { hillshade, processDem } from "../../dist/index.js";
import { angleDiff, readBand } from "../helpers/raster.js";
import { analyticCases } from "./analytic-cases.js";
import { writeGroundPlane } from "./ground-plane.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-analytic-`);
after(() => rmSync(dir, { recursive: true, force: true }));

/** Allowed error per grid: slope (°), aspect (°, true and grid north), gradient components (m/m). */
const TOLERANCE = {
  "EPSG:4326 at the equator": [0.000071, 0.00024, 0.0000017],
  "EPSG:4326 at 60°N": [0.00012, 0.00059, 0.0000063],
  "EPSG:3857 at 60°N": [0.000094, 0.00018, 0.0000023],
  "UTM 33N 3.5° east of its meridian": [0.000089, 0.00022, 0.0000022],
  "State Plane NY Long Island, US survey feet (Lambert)": [0.000098, 0.0002, 0.0000024],
  "CONUS Albers at a standard parallel": [0.000099, 0.00023, 0.0000025],
  "CONUS Albers far from its centre (Seattle)": [0.00011, 0.00016, 0.0000025],
  "CONUS Albers far from its centre, 1 km pixels (Maine)": [0.00015, 0.00033, 0.0000034],
  "LAEA Europe far from its centre (Canary Islands)": [0.00012, 0.00021, 0.0000027],
  "LAEA Europe far from its centre (Urals)": [0.000093, 0.0002, 0.0000024],
  "sinusoidal (MODIS 463 m) at 60°E 55°N": [0.000095, 0.0002, 0.0000022],
  "plate carrée (EPSG:4087) at 60°N": [0.00013, 0.00023, 0.0000023],
  "cylindrical equal-area (EASE-Grid 2.0, EPSG:6933) at 70°N": [0.00025, 0.0011, 0.000012],
  "polar stereographic north": [0.00011, 0.00023, 0.0000027],
  "south-up UTM 33N": [0.000083, 0.0002, 0.0000021],
  "UTM 32N with elevations in feet": [0.000095, 0.00022, 0.0000017],
  "UTM 33N rotated 30°": [0.000069, 0.00016, 0.0000017],
  "UTM 33N rotated 90°": [0.000089, 0.00024, 0.0000023],
  "UTM 33N sheared 20°": [0.000089, 0.00044, 0.0000024],
  "sinusoidal rotated 45° at 60°E 55°N": [0.00013, 0.00021, 0.0000029],
  "EPSG:4326 rotated 30° at 50°N": [0.000084, 0.00024, 0.0000024],
};

const PLANES = [
  [0.3, -0.2],
  [-0.05, 0.6],
];

for (const [name, setup] of Object.entries(analyticCases())) {
  test(`planes on ${name}`, async () => {
    const [slopeTolerance, aspectTolerance, gradientTolerance] = TOLERANCE[name];
    for (const [a, b] of PLANES) {
      const dem = `${dir}/plane.tif`;
      const truth = await writeGroundPlane(dem, { ...setup, lonLat: "EPSG:4326", a, b });
      const outputs = {
        slope: `${dir}/slope.tif`,
        aspect: `${dir}/aspect.tif`,
        gradient: `${dir}/gradient.tif`,
        hillshade: `${dir}/shade.tif`,
      };
      await processDem(dem, outputs, { warn: () => {} });
      await processDem(dem, { aspect: `${dir}/grid.tif` }, { north: "grid", warn: () => {} });
      const slope = (await readBand(outputs.slope)).data;
      const aspect = (await readBand(outputs.aspect)).data;
      const gridAspect = (await readBand(`${dir}/grid.tif`)).data;
      const east = (await readBand(outputs.gradient, 0)).data;
      const north = (await readBand(outputs.gradient, 1)).data;
      const shade = (await readBand(outputs.hillshade)).data;
      const rise = Math.hypot(a, b);
      for (let i = 0; i < slope.length; i++) {
        const where = `plane ${a}, ${b} pixel ${i}`;
        assert.ok(
          Math.abs(slope[i] - truth.slope) < slopeTolerance,
          `${where}: slope ${slope[i]} vs ${truth.slope}`,
        );
        assert.ok(
          angleDiff(aspect[i], truth.aspect[i]) < aspectTolerance,
          `${where}: aspect ${aspect[i]} vs ${truth.aspect[i]}`,
        );
        const fromGridNorth = (truth.aspect[i] - truth.gridNorth[i] + 720) % 360;
        assert.ok(
          angleDiff(gridAspect[i], fromGridNorth) < aspectTolerance,
          `${where}: grid-north aspect ${gridAspect[i]} vs ${fromGridNorth}`,
        );
        // The gradient points uphill, opposite to the aspect.
        const facing = (truth.aspect[i] * Math.PI) / 180;
        assert.ok(
          Math.abs(east[i] + rise * Math.sin(facing)) < gradientTolerance,
          `${where}: dz/de ${east[i]}`,
        );
        assert.ok(
          Math.abs(north[i] + rise * Math.cos(facing)) < gradientTolerance,
          `${where}: dz/dn ${north[i]}`,
        );
        const inGrid = (fromGridNorth * Math.PI) / 180;
        const [expected] = hillshade({ dzdx: [-rise * Math.sin(inGrid)], dzdy: [-rise * Math.cos(inGrid)] });
        assert.ok(Math.abs(shade[i] - expected) <= 1, `${where}: hillshade ${shade[i]} vs ${expected}`);
      }
    }
  });
}
