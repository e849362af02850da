// The derivative methods as pure kernels: numpy-exact on NaN-free DEMs (goldens from make-terrain-golden.py),
// independent of how the DEM is cut into strips, holes that do not grow a rim, and bad calls refused.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { computeDerivatives, derivativeHalo } from "../../dist/terrain/derivatives.js";
import {
  derivativesInStrips,
  holeyDem,
  rectilinearSpacing,
  steppedSpacing,
  uniformSpacing,
} from "./support.js";

const golden = JSON.parse(readFileSync(new URL("./terrain-golden.json", import.meta.url), "utf8"));
const decode = (hexes) => Float64Array.from(hexes, (hex) => Buffer.from(hex, "hex").readDoubleLE(0));
const METHODS = ["gradient", "horn", "zevenbergen-thorne"];

test("halo: two rows for the gradient method's second-order edges, else one", () => {
  assert.equal(derivativeHalo({ method: "gradient", edgeOrder: 1 }), 1);
  assert.equal(derivativeHalo({ method: "gradient", edgeOrder: 2 }), 2);
  assert.equal(derivativeHalo({ method: "horn", edgeOrder: 2 }), 1);
  assert.equal(derivativeHalo({ method: "zevenbergen-thorne", edgeOrder: 1 }), 1);
});

for (const c of golden.cases) {
  test(`gradient method equals numpy.gradient bit for bit: ${c.name}`, () => {
    const z = decode(c.z);
    const xSteps = decode(c.xSteps);
    const w1 = c.width - 1;
    const spacing = steppedSpacing(c.width, c.height, (row) => xSteps.subarray(row * w1, (row + 1) * w1), [
      ...decode(c.ySteps),
    ]);
    const options = { method: "gradient", edgeOrder: c.edgeOrder, edges: true, spacing, xSign: 1, ySign: -1 };
    const dRows = decode(c.dRows);
    const dCols = decode(c.dCols);
    for (const stripRows of [c.height, 1, 3]) {
      const { dzdx, dzdy } = derivativesInStrips(z, c.width, c.height, options, stripRows);
      for (let i = 0; i < z.length; i++) {
        assert.ok(Object.is(dzdx[i], dCols[i]), `dz/dx[${i}] ${dzdx[i]} vs ${dCols[i]}`);
        // North-up: dz/dy (north) is minus the derivative along rows.
        assert.ok(Object.is(dzdy[i], -dRows[i]), `dz/dy[${i}] ${dzdy[i]} vs ${-dRows[i]}`);
      }
    }
  });
}

test("strip seams: strips of 1, 2, 3 and 7 rows give exactly the one-strip result, holes across seams", () => {
  const [width, height] = [19, 23];
  const z = holeyDem(width, height);
  for (const spacing of [uniformSpacing(width, height, 10), rectilinearSpacing(width, height).spacing]) {
    for (const method of METHODS) {
      for (const edgeOrder of [1, 2]) {
        for (const edges of [true, false]) {
          for (const float32Sums of [false, true]) {
            const options = { method, edgeOrder, edges, spacing, xSign: 1, ySign: -1, float32Sums };
            const whole = derivativesInStrips(z, width, height, options);
            for (const stripRows of [1, 2, 3, 7]) {
              const cut = derivativesInStrips(z, width, height, options, stripRows);
              for (let i = 0; i < z.length; i++) {
                assert.ok(
                  Object.is(cut.dzdx[i], whole.dzdx[i]) && Object.is(cut.dzdy[i], whole.dzdy[i]),
                  `${method} eo${edgeOrder} edges ${edges} strips of ${stripRows}: cell ${i}`,
                );
              }
            }
          }
        }
      }
    }
  }
});

test("nodata holes do not grow with the gradient method: the output mask is the input mask", () => {
  const [width, height] = [19, 23];
  const z = holeyDem(width, height);
  const base = { edges: true, spacing: uniformSpacing(width, height, 10), xSign: 1, ySign: -1 };
  for (const edgeOrder of [1, 2]) {
    const { dzdx, dzdy } = derivativesInStrips(z, width, height, { ...base, method: "gradient", edgeOrder });
    for (let i = 0; i < z.length; i++) {
      assert.equal(Number.isNaN(dzdx[i]), Number.isNaN(z[i]), `dz/dx cell ${i}`);
      assert.equal(Number.isNaN(dzdy[i]), Number.isNaN(z[i]), `dz/dy cell ${i}`);
    }
  }
  // gdaldem's rule without edges grows a one-cell rim round every hole (and the border).
  const horn = derivativesInStrips(z, width, height, { ...base, method: "horn", edgeOrder: 1, edges: false });
  const grown = horn.dzdx.filter(Number.isNaN).length - z.filter(Number.isNaN).length;
  assert.ok(grown > 40, `classic gdaldem rule grows the holes (${grown} cells)`);
});

test("gradient method beside a hole: one-sided differences on the valid side, first or second order", () => {
  // One row, x only: z = x² at x = 0, 1, 2, then nodata, then 4, 5, 6 (uniform step 1). Second-order one-sided
  // differences are exact for a quadratic; first-order ones are the plain forward/backward differences.
  const row = [0, 1, 4, Number.NaN, 16, 25, 36];
  const z = new Float64Array([...row, ...row]);
  const spacing = uniformSpacing(7, 2, 1);
  const run = (edgeOrder) =>
    computeDerivatives(
      { data: z, width: 7, rows: 2, firstRow: 0, demHeight: 2 },
      { firstRow: 0, rows: 1 },
      { method: "gradient", edgeOrder, edges: true, spacing, xSign: 1, ySign: -1 },
    ).dzdx;
  assert.deepEqual([...run(2)], [0, 2, 4, Number.NaN, 8, 10, 12]);
  assert.deepEqual([...run(1)], [1, 2, 3, Number.NaN, 9, 10, 11]);
  // A valid cell with nodata on both sides along x has no dz/dx, and one with no neighbour above or below has no
  // dz/dy: either makes the cell nodata. Only (1, 1) has both here.
  const lonely = new Float64Array([Number.NaN, 5, Number.NaN, 1, 2, 3]);
  const g = computeDerivatives(
    { data: lonely, width: 3, rows: 2, firstRow: 0, demHeight: 2 },
    { firstRow: 0, rows: 2 },
    { method: "gradient", edgeOrder: 1, edges: true, spacing: uniformSpacing(3, 2, 1), xSign: 1, ySign: -1 },
  );
  const nan = Number.NaN;
  assert.deepEqual([...g.dzdx], [nan, nan, nan, nan, 1, nan]);
  assert.deepEqual([...g.dzdy], [nan, nan, nan, nan, 3, nan]);
});

test("horn and zevenbergen-thorne: gdaldem's nodata rules with and without edges", () => {
  // 4×4 plane z = 2·col − 3·row (step 1, north-up: dz/dx = 2, dz/dy = 3) with one nodata neighbour.
  const z = Float64Array.from({ length: 16 }, (_, i) => 2 * (i % 4) - 3 * Math.floor(i / 4));
  z[2] = Number.NaN; // row 0, col 2: in the windows of (1, 1) and (1, 2)
  const strip = { data: z, width: 4, rows: 4, firstRow: 0, demHeight: 4 };
  const run = (method, edges) =>
    computeDerivatives(
      strip,
      { firstRow: 0, rows: 4 },
      {
        method,
        edgeOrder: 1,
        edges,
        spacing: uniformSpacing(4, 4, 1),
        xSign: 1,
        ySign: -1,
      },
    );
  for (const method of ["horn", "zevenbergen-thorne"]) {
    const classic = run(method, false);
    // Border → nodata; windows touching the hole → nodata; only (2, 1) and (2, 2) are left.
    assert.deepEqual(
      [...classic.dzdx].map((v) => (Number.isNaN(v) ? "-" : v)),
      ["-", "-", "-", "-", "-", "-", "-", "-", "-", 2, 2, "-", "-", "-", "-", "-"],
      method,
    );
    const edged = run(method, true);
    assert.ok(Number.isNaN(edged.dzdx[2]), `${method}: nodata centre stays nodata`);
    // (1, 1): the nodata neighbour (0, 2) is replaced by the centre value −1 (the plane would give 4); ZT does
    // not read that corner.
    const expected =
      method === "horn"
        ? {
            // Window rows (0, 2, −1 | −3, −1, 1 | −6, −4, −2): east − west sums, and north-up minus the
            // downward difference.
            dx: (-1 + 1 + 1 + -2 - (0 + -3 + -3 + -6)) / 8,
            dy: -(-6 + -4 + -4 + -2 - (0 + 2 + 2 + -1)) / 8,
          }
        : { dx: 2, dy: 3 };
    assert.equal(edged.dzdx[5], expected.dx, `${method} dz/dx`);
    assert.equal(edged.dzdy[5], expected.dy, `${method} dz/dy`);
  }
});

test("bad calls: a strip that does not cover the halo, rows outside the DEM, short data", () => {
  const z = new Float64Array(5 * 10);
  const options = {
    method: "gradient",
    edgeOrder: 2,
    edges: true,
    spacing: uniformSpacing(5, 10, 1),
    xSign: 1,
    ySign: -1,
  };
  const strip = { data: z, width: 5, rows: 5, firstRow: 2, demHeight: 10 };
  assert.throws(() => computeDerivatives(strip, { firstRow: 3, rows: 2 }, options), /do not cover 1–7/);
  assert.doesNotThrow(() => computeDerivatives(strip, { firstRow: 4, rows: 1 }, options));
  assert.throws(
    () => computeDerivatives({ ...strip, firstRow: 0, rows: 10 }, { firstRow: 8, rows: 4 }, options),
    /outside the DEM/,
  );
  assert.throws(
    () => computeDerivatives({ ...strip, data: new Float64Array(3) }, { firstRow: 4, rows: 1 }, options),
    /fewer than 5 rows/,
  );
});
