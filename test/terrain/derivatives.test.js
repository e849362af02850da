// The derivative methods as pure kernels: numpy-exact on NaN-free DEMs, independent of how the DEM is cut into
// strips, and holes that do not grow a rim.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { computeDerivatives } from "../../dist/index.js";
import { derivativeHalo } from "../../dist/terrain/derivatives.js";

const golden = JSON.parse(readFileSync(new URL("../golden/terrain-golden.json", import.meta.url), "utf8"));
const decode = (hexes) => Float64Array.from(hexes, (hex) => Buffer.from(hex, "hex").readDoubleLE(0));

/** A spacing model from explicit steps (the interface the kernels read). */
function spacing(width, height, colStep, rowSteps) {
  return {
    mode: "explicit",
    width,
    height,
    xSteps: (_row, out) => out.fill(colStep, 0, width - 1),
    ySteps: (row, out) => out.fill(rowSteps ? rowSteps[row] : colStep, 0, width),
    gridNorthBearing: (_row, out) => out.fill(0, 0, width),
  };
}

function run(z, width, height, options, stripRows = height) {
  const dzdx = new Float64Array(width * height);
  const dzdy = new Float64Array(width * height);
  const halo = derivativeHalo(options);
  for (let first = 0; first < height; first += stripRows) {
    const rows = Math.min(stripRows, height - first);
    const r0 = Math.max(0, first - halo);
    const r1 = Math.min(height, first + rows + halo);
    const strip = {
      data: z.slice(r0 * width, r1 * width),
      width,
      rows: r1 - r0,
      firstRow: r0,
      demHeight: height,
    };
    const g = computeDerivatives(strip, { firstRow: first, rows }, options);
    dzdx.set(g.dzdx, first * width);
    dzdy.set(g.dzdy, first * width);
  }
  return { dzdx, dzdy };
}

for (const c of golden.cases) {
  test(`gradient method equals numpy.gradient bit for bit: ${c.name}`, () => {
    const z = decode(c.z);
    const options = {
      method: "gradient",
      edgeOrder: c.edgeOrder,
      edges: true,
      spacing: spacing(c.width, c.height, c.colStep, decode(c.rowSteps)),
      xSign: 1,
      ySign: -1,
    };
    const { dzdx, dzdy } = run(z, c.width, c.height, options);
    const dRows = decode(c.dRows);
    const dCols = decode(c.dCols);
    for (let i = 0; i < z.length; i++) {
      assert.ok(Object.is(dzdx[i], dCols[i]), `dz/dx[${i}] ${dzdx[i]} vs ${dCols[i]}`);
      // North-up: dz/dy (north) is minus the derivative along rows.
      assert.ok(Object.is(dzdy[i], -dRows[i]), `dz/dy[${i}] ${dzdy[i]} vs ${-dRows[i]}`);
    }
  });
}

/** A rough DEM with a nodata hole, a nodata corner and isolated nodata cells. */
function holeyDem(width, height) {
  const z = new Float64Array(width * height);
  let s = 1;
  for (let i = 0; i < z.length; i++) {
    s = (s * 16807) % 2147483647;
    z[i] = 100 + (i % width) * 2 + Math.floor(i / width) * 3 + (s / 2147483647) * 10;
  }
  for (let r = 5; r < 10; r++) for (let c = 6; c < 12; c++) z[r * width + c] = Number.NaN;
  z[0] = Number.NaN;
  z[(height - 1) * width + width - 1] = Number.NaN;
  z[14 * width + 3] = Number.NaN;
  return z;
}

test("strip seams: any cut into strips gives exactly the one-strip result, holes across seams included", () => {
  const [width, height] = [19, 23];
  const z = holeyDem(width, height);
  for (const method of ["gradient", "horn", "zevenbergen-thorne"]) {
    for (const edgeOrder of [1, 2]) {
      for (const edges of [true, false]) {
        const options = {
          method,
          edgeOrder,
          edges,
          spacing: spacing(width, height, 10),
          xSign: 1,
          ySign: -1,
        };
        const whole = run(z, width, height, options);
        for (const stripRows of [1, 2, 3, 7]) {
          const cut = run(z, width, height, options, stripRows);
          for (let i = 0; i < z.length; i++) {
            assert.ok(
              Object.is(cut.dzdx[i], whole.dzdx[i]) && Object.is(cut.dzdy[i], whole.dzdy[i]),
              `${method} eo${edgeOrder} strips of ${stripRows}: cell ${i}`,
            );
          }
        }
      }
    }
  }
});

test("nodata holes do not grow with the gradient method (gdaldem's kernels grow a rim without edges)", () => {
  const [width, height] = [19, 23];
  const z = holeyDem(width, height);
  const base = { edges: true, spacing: spacing(width, height, 10), xSign: 1, ySign: -1 };
  for (const edgeOrder of [1, 2]) {
    const { dzdx } = run(z, width, height, { ...base, method: "gradient", edgeOrder });
    for (let i = 0; i < z.length; i++) assert.equal(Number.isNaN(dzdx[i]), Number.isNaN(z[i]), `cell ${i}`);
  }
  const horn = run(z, width, height, { ...base, method: "horn", edgeOrder: 1, edges: false });
  const grown = horn.dzdx.filter(Number.isNaN).length - z.filter(Number.isNaN).length;
  assert.ok(grown > 40, `classic gdaldem rule grows the holes (${grown} cells)`);
});

test("planes: every method gives the exact gradient everywhere, borders and corners included", () => {
  const [width, height] = [12, 9];
  for (const [xSign, ySign] of [
    [1, -1],
    [1, 1],
    [-1, -1],
  ]) {
    const z = new Float64Array(width * height);
    // z = 0.3·east + 0.2·north, with east/north following the signs of the grid axes.
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) z[r * width + c] = 0.3 * xSign * c * 10 + 0.2 * ySign * r * 10;
    }
    for (const method of ["gradient", "horn", "zevenbergen-thorne"]) {
      const options = {
        method,
        edgeOrder: 2,
        edges: true,
        spacing: spacing(width, height, 10),
        xSign,
        ySign,
      };
      const { dzdx, dzdy } = run(z, width, height, options);
      for (let i = 0; i < z.length; i++) {
        assert.ok(
          Math.abs(dzdx[i] - 0.3) < 1e-12 && Math.abs(dzdy[i] - 0.2) < 1e-12,
          `${method} ${xSign},${ySign} cell ${i}: ${dzdx[i]}, ${dzdy[i]}`,
        );
      }
    }
  }
});
