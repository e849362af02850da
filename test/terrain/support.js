// Shared by the terrain tests: tiny spacing models (the interface the kernels read) and a strip driver.
import { computeDerivatives, derivativeHalo } from "../../dist/terrain/derivatives.js";

/**
 * A spacing model from explicit steps: `xSteps` one number for every step, or (row) → array of width − 1 metres;
 * `ySteps` one number, or an array of height − 1 metres (row → row + 1, the same for every column).
 */
export function steppedSpacing(width, height, xSteps, ySteps) {
  return {
    mode: "explicit",
    width,
    height,
    xSteps: (row, out) => {
      if (typeof xSteps === "number") out.fill(xSteps, 0, width - 1);
      else out.set(xSteps(row).subarray(0, width - 1));
    },
    ySteps: (row, out) => out.fill(typeof ySteps === "number" ? ySteps : ySteps[row], 0, width),
    gridNorthBearing: (_row, out) => out.fill(0, 0, width),
  };
}

/** A uniform model: every step `hx` metres across and `hy` down. */
export const uniformSpacing = (width, height, hx, hy = hx) => steppedSpacing(width, height, hx, hy);

/**
 * A separable non-uniform model: column c lies at x = xs[c], row r at y = ys[r] (metres along the grid axes), a
 * rectilinear grid on which a plane stays a plane. Returns the model and the coordinates.
 */
export function rectilinearSpacing(width, height) {
  const xs = Float64Array.from({ length: width }, (_, c) => 10 * c + 3 * Math.sin(c));
  const ys = Float64Array.from({ length: height }, (_, r) => 12 * r + 0.05 * r * r);
  const dx = Float64Array.from({ length: width - 1 }, (_, c) => xs[c + 1] - xs[c]);
  const dy = Array.from({ length: height - 1 }, (_, r) => ys[r + 1] - ys[r]);
  return { spacing: steppedSpacing(width, height, () => dx, dy), xs, ys };
}

/** Runs computeDerivatives over the DEM cut into strips of `stripRows` rows, each with its halo. */
export function derivativesInStrips(z, width, height, options, stripRows = height) {
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

/** A rough DEM (deterministic) with a nodata block, a nodata corner and isolated nodata cells. */
export function holeyDem(width, height) {
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
