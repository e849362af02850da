// Analytic planes z = a·east + b·north: every method must give dz/dx = a and dz/dy = b at every pixel, borders and
// corners included (horn/ZT with edges on), on uniform and non-uniform spacing, north-up and south-up, and with
// the column axis pointing west; slope and aspect then equal the analytic values to float32 precision.
import assert from "node:assert/strict";
import { test } from "node:test";
import { aspect } from "../../dist/terrain/aspect.js";
import { slope } from "../../dist/terrain/slope.js";
import { derivativesInStrips, rectilinearSpacing, uniformSpacing } from "./support.js";

const [width, height] = [12, 9];
const PLANES = [
  [0.3, 0.2],
  [-0.5, 0.1],
  [0, -0.4],
  [1.7, 0],
];
const ulp32 = (v) => {
  const f = Math.fround(Math.abs(v));
  const buf = new Float32Array([f]);
  new Uint32Array(buf.buffer)[0] += 1;
  return buf[0] - f;
};
const circular = (a, b) => Math.abs(((a - b + 540) % 360) - 180);

const grids = [
  ["uniform square", { spacing: uniformSpacing(width, height, 10), xs: null, ys: null }, 10, 10],
  ["uniform 10×12", { spacing: uniformSpacing(width, height, 10, 12), xs: null, ys: null }, 10, 12],
  ["non-uniform", rectilinearSpacing(width, height), 0, 0],
];

for (const [name, grid, hx, hy] of grids) {
  test(`planes on ${name} spacing: exact gradient, slope and aspect at every pixel`, () => {
    const X = (c) => (grid.xs ? grid.xs[c] : c * hx);
    const Y = (r) => (grid.ys ? grid.ys[r] : r * hy);
    for (const [xSign, ySign] of [
      [1, -1],
      [1, 1],
      [-1, -1],
      [-1, 1],
    ]) {
      for (const [a, b] of PLANES) {
        // East grows with the column index when xSign = 1; north grows with the row index when ySign = 1.
        const z = new Float64Array(width * height);
        for (let r = 0; r < height; r++) {
          for (let c = 0; c < width; c++) z[r * width + c] = 500 + a * xSign * X(c) + b * ySign * Y(r);
        }
        const slopeDeg = (Math.atan(Math.hypot(a, b)) * 180) / Math.PI;
        const facing =
          a === 0 && b === 0 ? null : ((((Math.atan2(-a, -b) * 180) / Math.PI) % 360) + 360) % 360;
        for (const method of ["gradient", "horn", "zevenbergen-thorne"]) {
          for (const edgeOrder of [1, 2]) {
            const options = { method, edgeOrder, edges: true, spacing: grid.spacing, xSign, ySign };
            const grad = derivativesInStrips(z, width, height, options, 4);
            const s = slope(grad);
            const asp = aspect(grad);
            for (let i = 0; i < z.length; i++) {
              const where = `${method} eo${edgeOrder} signs ${xSign},${ySign} plane ${a},${b} cell ${i}`;
              assert.ok(Math.abs(grad.dzdx[i] - a) < 1e-9, `${where}: dz/dx ${grad.dzdx[i]}`);
              assert.ok(Math.abs(grad.dzdy[i] - b) < 1e-9, `${where}: dz/dy ${grad.dzdy[i]}`);
              assert.ok(
                Math.abs(s[i] - slopeDeg) <= ulp32(slopeDeg),
                `${where}: slope ${s[i]} vs ${slopeDeg}`,
              );
              assert.ok(
                circular(asp[i], facing) <= ulp32(facing || 1),
                `${where}: aspect ${asp[i]} vs ${facing}`,
              );
            }
          }
        }
      }
    }
  });
}

/**
 * A sheared, rotated grid: pixel (c, r) lies at c·Sx + r·Sy metres (east, north), so x and y steps are neither
 * perpendicular nor east and north. Its model's frame is the inverse of [u; v] (u, v the steps' unit vectors),
 * worked out here by Cramer's rule.
 */
function shearedSpacing(width, height, sx, sy) {
  const hx = Math.hypot(...sx);
  const hy = Math.hypot(...sy);
  const [u, v] = [sx.map((s) => s / hx), sy.map((s) => s / hy)];
  const det = u[0] * v[1] - u[1] * v[0];
  const m = [v[1] / det, -u[1] / det, -v[0] / det, u[0] / det];
  const spacing = uniformSpacing(width, height, hx, hy);
  spacing.frame = {
    eastNorth: (_row, ...out) => {
      for (let i = 0; i < 4; i++) out[i].fill(m[i], 0, width);
    },
    gridNorth: (_row, east, north) => {
      east.fill(0, 0, width);
      north.fill(1, 0, width);
    },
  };
  return spacing;
}

test("planes on a sheared grid with a ground frame: exact east/north gradient at every pixel, every method", () => {
  const sx = [9, 4]; // a column step: 9 m east, 4 m north
  const sy = [3, -11]; // a row step: 3 m east, 11 m south
  const spacing = shearedSpacing(width, height, sx, sy);
  for (const [xSign, ySign] of [
    [1, -1],
    [-1, 1],
  ]) {
    for (const [a, b] of PLANES) {
      const z = new Float64Array(width * height);
      for (let r = 0; r < height; r++) {
        for (let c = 0; c < width; c++) {
          z[r * width + c] = 500 + a * (c * sx[0] + r * sy[0]) + b * (c * sx[1] + r * sy[1]);
        }
      }
      for (const method of ["gradient", "horn", "zevenbergen-thorne"]) {
        for (const edgeOrder of [1, 2]) {
          const options = { method, edgeOrder, edges: true, spacing, xSign, ySign };
          const grad = derivativesInStrips(z, width, height, options, 4);
          for (let i = 0; i < z.length; i++) {
            const where = `${method} eo${edgeOrder} signs ${xSign},${ySign} plane ${a},${b} cell ${i}`;
            assert.ok(Math.abs(grad.dzdx[i] - a) < 1e-9, `${where}: dz/de ${grad.dzdx[i]}`);
            assert.ok(Math.abs(grad.dzdy[i] - b) < 1e-9, `${where}: dz/dn ${grad.dzdy[i]}`);
          }
        }
      }
    }
  }
});
