// The closed-form ground spacing of Web Mercator tile blocks against the library's generic spacing model of the
// same grid (geodesics on WGS 84 between inverse-projected pixel centres).
import assert from "node:assert/strict";
import { test } from "node:test";
import { georefFromEpsg, spacingModel } from "../../dist/index.js";
import { HALF_WORLD, pixelMetres } from "../../dist/tiles/mercator.js";
import { webMercatorSpacing } from "../../dist/tiles/mercator-spacing.js";
import { zoomGeoref } from "../../dist/tiles/pyramid.js";

test("Web Mercator block spacing equals the generic projected model to 1e-5", (t) => {
  const like = { verticalUnit: { metres: 1, name: "metre", source: "default" } };
  let worst = 0;
  // Blocks at the equator, 45° and 70° north, 60° south, at coarse and fine zooms, 256 and 512 px tiles.
  for (const [z, size, fx, fy] of [
    [3, 256, 0.5, 0.5],
    [8, 256, 0.3, 0.36],
    [11, 512, 0.52, 0.2],
    [14, 256, 0.9, 0.73],
    [6, 256, 0.1, 0.16],
  ]) {
    const world = size * 2 ** z;
    const window = { x: Math.floor(fx * world), y: Math.floor(fy * world), width: 70, height: 70 };
    const generic = spacingModel(zoomGeoref(z, size, like), { window });
    const closed = webMercatorSpacing(z, size, window);
    for (const row of [0, 33, 68]) {
      for (const steps of ["xSteps", "ySteps"]) {
        const a = new Float64Array(70);
        const b = new Float64Array(70);
        generic[steps](row, a);
        closed[steps](row, b);
        for (let c = 0; c < 69; c++) worst = Math.max(worst, Math.abs(b[c] / a[c] - 1));
      }
    }
  }
  assert.ok(worst < 1e-5, `largest relative difference ${worst}`);
  t.diagnostic(`largest relative difference ${worst.toExponential(2)} (measured 4.6e-6)`);
  assert.ok(worst > 0, "the two models are not independent");
});

test("every zoom's grid, scaled from zoom 0's, is the georeferencing of EPSG:3857 made from its tables", () => {
  const like = { verticalUnit: { metres: 0.3048, name: "foot", source: "band-unit" } };
  for (const [z, size] of [
    [1, 256],
    [12, 256],
    [9, 512],
  ]) {
    const res = pixelMetres(z, size);
    const world = size * 2 ** z;
    const fromTables = georefFromEpsg(3857, [-HALF_WORLD, res, 0, HALF_WORLD, 0, -res], {
      width: world,
      height: world,
    });
    assert.deepEqual(
      zoomGeoref(z, size, like),
      { ...fromTables, verticalUnit: like.verticalUnit },
      `z${z} ${size}`,
    );
  }
});
