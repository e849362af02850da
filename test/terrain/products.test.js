// Slope, aspect and hillshade conventions (DESIGN §2) on hand-made gradients.
import assert from "node:assert/strict";
import { test } from "node:test";
import { aspect, hillshade, slope, UsageError } from "../../dist/index.js";

test("slope in degrees and percent; nodata where the gradient is undefined", () => {
  const grad = { dzdx: [0.3, 0, Number.NaN], dzdy: [0.4, 0, 1] };
  const deg = slope(grad);
  assert.ok(Math.abs(deg[0] - (Math.atan(0.5) * 180) / Math.PI) < 1e-5);
  assert.equal(deg[1], 0);
  assert.equal(deg[2], -9999);
  assert.ok(Math.abs(slope(grad, { unit: "percent" })[0] - 50) < 1e-5);
});

test("aspect faces downhill, clockwise from north; trigonometric, flat and true-north variants", () => {
  // Rising to the east faces west; rising to the north faces south.
  const grad = { dzdx: [1, 0, -1, 0, 0, 1], dzdy: [0, 1, 0, -1, 0, 1] };
  assert.deepEqual([...aspect(grad)], [270, 180, 90, 0, -9999, 225]);
  assert.deepEqual([...aspect(grad, { trigonometric: true })], [180, 270, 0, 90, -9999, 225]);
  assert.equal(aspect(grad, { zeroForFlat: true })[4], 0);
  // Grid north 3° east of true north: a bearing measured on the grid grows by 3°.
  const bearing = new Float64Array(6).fill((3 * Math.PI) / 180);
  const trueNorth = aspect(grad, { northBearing: bearing });
  assert.ok(Math.abs(trueNorth[0] - 273) < 1e-4 && Math.abs(trueNorth[3] - 3) < 1e-4);
});

test("hillshade: flat is 1 + 254·sin(altitude), nodata is 0, slopes facing the light are brighter", () => {
  const grad = { dzdx: [0, Number.NaN, 0.5, -0.5], dzdy: [0, 0, 0, 0] };
  const shade = hillshade(grad);
  assert.equal(shade[0], 181);
  assert.equal(shade[1], 0);
  // Light from the north-west (315°): a slope rising to the east faces west and is lit.
  assert.ok(shade[2] > shade[0] && shade[3] < shade[0]);
  assert.equal(hillshade({ dzdx: [0], dzdy: [0] }, { variant: "multidirectional" })[0], 181);
  assert.equal(hillshade({ dzdx: [0], dzdy: [0] }, { variant: "combined" })[0], 255);
  assert.equal(hillshade({ dzdx: [0], dzdy: [0] }, { altitude: 90 })[0], 255);
});

test("option values are validated with one kind of message", () => {
  assert.throws(
    () => hillshade({ dzdx: [0], dzdy: [0] }, { altitude: 95 }),
    (e) =>
      e instanceof UsageError &&
      e.message === "Expected number between 0 and 90 for altitude but received 95",
  );
  assert.throws(
    () => hillshade({ dzdx: [0], dzdy: [0] }, { variant: "fancy" }),
    /Expected one of regular, combined/,
  );
});
