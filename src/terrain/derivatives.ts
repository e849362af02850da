/**
 * dz/dx and dz/dy of a strip of DEM rows by the chosen method. The `gradient` method uses numpy.gradient's stencils
 * (the project's one gradient implementation) with ground-metre coordinates and nodata-aware one-sided differences;
 * `horn` and `zevenbergen-thorne` are gdaldem's 3×3 kernels with its nodata and edge rules.
 */
import {
  centralNonUniform,
  centralUniform,
  forward1,
  left2NonUniform,
  left2Uniform,
  right2NonUniform,
  right2Uniform,
} from "../core/stencils.js";
import type { DerivativeOptions, ElevationStrip, GradientStrip } from "./types.js";

/**
 * Rows of halo the method needs above and below the output rows (the caller clips them at the DEM's borders).
 *
 * @example
 * ```ts
 * derivativeHalo({ method: "gradient", edgeOrder: 2 }); // 2
 * ```
 */
export function derivativeHalo(options: Pick<DerivativeOptions, "method" | "edgeOrder">): number {
  return options.method === "gradient" && options.edgeOrder === 2 ? 2 : 1;
}

/**
 * dz/dx (east) and dz/dy (north), in m/m, for DEM rows [firstRow, firstRow + rows) of a strip that covers them plus
 * `derivativeHalo()` rows on each side (fewer at the DEM's top and bottom). NaN marks nodata in and out.
 *
 * @example
 * ```ts
 * const grad = computeDerivatives(
 *   { data: elevations, width, rows: height, firstRow: 0, demHeight: height },
 *   { firstRow: 0, rows: height },
 *   { method: "gradient", edgeOrder: 1, edges: true, spacing, xSign: 1, ySign: -1 },
 * );
 * ```
 */
export function computeDerivatives(
  strip: ElevationStrip,
  output: { firstRow: number; rows: number },
  options: DerivativeOptions,
): GradientStrip {
  const { width } = strip;
  const halo = derivativeHalo(options);
  const need0 = Math.max(0, output.firstRow - halo);
  const need1 = Math.min(strip.demHeight, output.firstRow + output.rows + halo);
  if (need0 < strip.firstRow || need1 > strip.firstRow + strip.rows) {
    throw new RangeError(
      `strip rows ${strip.firstRow}–${strip.firstRow + strip.rows} do not cover ${need0}–${need1}`,
    );
  }
  const steps = new StepCache(
    options,
    width,
    strip.demHeight,
    output.firstRow - halo,
    output.rows + 2 * halo,
  );
  const result: GradientStrip = {
    dzdx: new Float64Array(output.rows * width),
    dzdy: new Float64Array(output.rows * width),
    width,
    rows: output.rows,
    firstRow: output.firstRow,
  };
  if (options.method === "gradient") gradientMethod(strip, result, steps, options);
  else windowMethod(strip, result, steps, options);
  return result;
}

/** x steps per row and y steps per pair of rows, fetched once per strip. */
class StepCache {
  readonly x: Float64Array;
  readonly y: Float64Array;
  constructor(
    options: DerivativeOptions,
    private readonly width: number,
    demHeight: number,
    private readonly first: number,
    count: number,
  ) {
    const w1 = Math.max(1, width - 1);
    this.x = new Float64Array(count * w1);
    this.y = new Float64Array(count * width);
    for (let k = 0; k < count; k++) {
      const row = first + k;
      if (row < 0 || row >= demHeight) continue;
      if (width > 1) options.spacing.xSteps(row, this.x.subarray(k * w1, (k + 1) * w1));
      if (row < demHeight - 1) options.spacing.ySteps(row, this.y.subarray(k * width, (k + 1) * width));
    }
  }
  /** Steps between columns of `row`: entry c is column c → c + 1. */
  xRow(row: number): Float64Array {
    const w1 = Math.max(1, this.width - 1);
    const k = row - this.first;
    return this.x.subarray(k * w1, (k + 1) * w1);
  }
  /** Metres from (row, col) to (row + 1, col). */
  yStep(row: number, col: number): number {
    return this.y[(row - this.first) * this.width + col]!;
  }
  /** Metres from each pixel of `row` to the one below it. */
  yRow(row: number): Float64Array {
    const k = row - this.first;
    return this.y.subarray(k * this.width, (k + 1) * this.width);
  }
}

const valid = (v: number) => v === v;

/** numpy.gradient along each axis, one-sided where a neighbour is nodata or missing. */
function gradientMethod(
  strip: ElevationStrip,
  out: GradientStrip,
  steps: StepCache,
  options: DerivativeOptions,
): void {
  const { width, data, demHeight } = strip;
  const second = options.edgeOrder === 2;
  const { xSign, ySign } = options;
  for (let k = 0; k < out.rows; k++) {
    const row = out.firstRow + k;
    const xs = steps.xRow(row);
    let uniform = true;
    for (let c = 1; c < width - 1; c++) if (xs[c] !== xs[0]) uniform = false;
    const base = (row - strip.firstRow) * width;
    const o = k * width;
    // Along the row (x).
    for (let c = 0; c < width; c++) {
      const f0 = data[base + c]!;
      const fm = c > 0 ? data[base + c - 1]! : Number.NaN;
      const fp = c < width - 1 ? data[base + c + 1]! : Number.NaN;
      let g = Number.NaN;
      if (f0 === f0) {
        if (fm === fm && fp === fp) {
          g = uniform ? centralUniform(fm, fp, xs[0]!) : centralNonUniform(fm, f0, fp, xs[c - 1]!, xs[c]!);
        } else if (fp === fp) {
          const f2 = c < width - 2 ? data[base + c + 2]! : Number.NaN;
          g =
            second && f2 === f2
              ? uniform || xs[c] === xs[c + 1]
                ? left2Uniform(f0, fp, f2, xs[c]!)
                : left2NonUniform(f0, fp, f2, xs[c]!, xs[c + 1]!)
              : forward1(f0, fp, xs[c]!);
        } else if (fm === fm) {
          const f2 = c > 1 ? data[base + c - 2]! : Number.NaN;
          g =
            second && f2 === f2
              ? uniform || xs[c - 2] === xs[c - 1]
                ? right2Uniform(f2, fm, f0, xs[c - 1]!)
                : right2NonUniform(f2, fm, f0, xs[c - 2]!, xs[c - 1]!)
              : forward1(fm, f0, xs[c - 1]!);
        }
      }
      out.dzdx[o + c] = xSign * g;
    }
    // Down the columns (y, in row order); the row steps are non-uniform coordinates.
    const hasUp = row > 0;
    const hasDown = row < demHeight - 1;
    const up = base - width;
    const down = base + width;
    const yUp = hasUp ? steps.yRow(row - 1) : undefined;
    const yDown = hasDown ? steps.yRow(row) : undefined;
    for (let c = 0; c < width; c++) {
      const f0 = data[base + c]!;
      const fu = hasUp ? data[up + c]! : Number.NaN;
      const fd = hasDown ? data[down + c]! : Number.NaN;
      let g = Number.NaN;
      if (f0 === f0) {
        if (fu === fu && fd === fd) {
          const d1 = yUp![c]!;
          const d2 = yDown![c]!;
          g = d1 === d2 ? centralUniform(fu, fd, d1) : centralNonUniform(fu, f0, fd, d1, d2);
        } else if (fd === fd) {
          const f2 = row < demHeight - 2 ? data[down + width + c]! : Number.NaN;
          const d1 = yDown![c]!;
          if (second && f2 === f2) {
            const d2 = steps.yRow(row + 1)[c]!;
            g = d1 === d2 ? left2Uniform(f0, fd, f2, d1) : left2NonUniform(f0, fd, f2, d1, d2);
          } else {
            g = forward1(f0, fd, d1);
          }
        } else if (fu === fu) {
          const f2 = row > 1 ? data[up - width + c]! : Number.NaN;
          const d2 = yUp![c]!;
          if (second && f2 === f2) {
            const d1 = steps.yRow(row - 2)[c]!;
            g = d1 === d2 ? right2Uniform(f2, fu, f0, d2) : right2NonUniform(f2, fu, f0, d1, d2);
          } else {
            g = forward1(fu, f0, d2);
          }
        }
      }
      // A cell is defined only where both derivatives are.
      const gx = out.dzdx[o + c]!;
      if (g !== g || gx !== gx) {
        out.dzdx[o + c] = Number.NaN;
        out.dzdy[o + c] = Number.NaN;
      } else {
        out.dzdy[o + c] = ySign * g;
      }
    }
  }
}

/** gdaldem's Horn and Zevenbergen–Thorne kernels with its edge and nodata rules. */
function windowMethod(
  strip: ElevationStrip,
  out: GradientStrip,
  steps: StepCache,
  options: DerivativeOptions,
): void {
  const { width, data, demHeight } = strip;
  const horn = options.method === "horn";
  const f32 = options.float32Sums === true;
  const edges = options.edges && width >= 2 && demHeight >= 2;
  const w = new Float64Array(9);
  const inside = (r: number, c: number) => r >= 0 && r < demHeight && c >= 0 && c < width;
  const value = (r: number, c: number) => data[(r - strip.firstRow) * width + c]!;
  for (let k = 0; k < out.rows; k++) {
    const row = out.firstRow + k;
    const xs = steps.xRow(row);
    for (let c = 0; c < width; c++) {
      const o = k * width + c;
      const centre = value(row, c);
      out.dzdx[o] = Number.NaN;
      out.dzdy[o] = Number.NaN;
      if (!valid(centre)) continue;
      const border = row === 0 || row === demHeight - 1 || c === 0 || c === width - 1;
      if (border && !edges) continue;
      let hole = false;
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const r = row + dr;
          const cc = c + dc;
          let v: number;
          if (inside(r, cc)) {
            v = value(r, cc);
          } else {
            // Linear extrapolation 2a − b from the nearest cell a and the one beyond it (diagonally at corners).
            const ar = Math.min(demHeight - 1, Math.max(0, r));
            const ac = Math.min(width - 1, Math.max(0, cc));
            v = 2 * value(ar, ac) - value(2 * ar - r, 2 * ac - cc);
          }
          if (!valid(v)) {
            hole = true;
            v = centre;
          }
          w[(dr + 1) * 3 + dc + 1] = v;
        }
      }
      if (hole && !options.edges) continue;
      const left = c > 0 ? xs[c - 1]! : xs[0]!;
      const right = c < width - 1 ? xs[c]! : xs[width - 2]!;
      const up = row > 0 ? steps.yStep(row - 1, c) : steps.yStep(row, c);
      const down = row < demHeight - 1 ? steps.yStep(row, c) : steps.yStep(row - 1, c);
      // Differences along increasing column and increasing row; Horn weights the centre row/column twice.
      let gx: number;
      let gy: number;
      if (f32) {
        for (let i = 0; i < 9; i++) w[i] = Math.fround(w[i]!);
        const f = Math.fround;
        const dx = horn
          ? f(f(f(f(w[2]! + w[5]!) + w[5]!) + w[8]!) - f(f(f(w[0]! + w[3]!) + w[3]!) + w[6]!))
          : f(w[5]! - w[3]!);
        const dy = horn
          ? f(f(f(f(w[6]! + w[7]!) + w[7]!) + w[8]!) - f(f(f(w[0]! + w[1]!) + w[1]!) + w[2]!))
          : f(w[7]! - w[1]!);
        gx = dx / (horn ? 4 * (left + right) : left + right);
        gy = dy / (horn ? 4 * (up + down) : up + down);
      } else if (horn) {
        gx = (w[2]! + w[5]! + w[5]! + w[8]! - (w[0]! + w[3]! + w[3]! + w[6]!)) / (4 * (left + right));
        gy = (w[6]! + w[7]! + w[7]! + w[8]! - (w[0]! + w[1]! + w[1]! + w[2]!)) / (4 * (up + down));
      } else {
        gx = (w[5]! - w[3]!) / (left + right);
        gy = (w[7]! - w[1]!) / (up + down);
      }
      out.dzdx[o] = options.xSign * gx;
      out.dzdy[o] = options.ySign * gy;
    }
  }
}
