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
  const at = (row: number, col: number) => data[(row - strip.firstRow) * width + col]!;
  for (let k = 0; k < out.rows; k++) {
    const row = out.firstRow + k;
    const xs = steps.xRow(row);
    let uniform = true;
    for (let c = 1; c < width - 1; c++) if (xs[c] !== xs[0]) uniform = false;
    const base = (row - strip.firstRow) * width;
    for (let c = 0; c < width; c++) {
      const f0 = data[base + c]!;
      let gx = Number.NaN;
      let gy = Number.NaN;
      if (valid(f0)) {
        // Along the row (x).
        const hasL = c > 0 && valid(data[base + c - 1]!);
        const hasR = c < width - 1 && valid(data[base + c + 1]!);
        if (hasL && hasR) {
          const fm = data[base + c - 1]!;
          const fp = data[base + c + 1]!;
          gx = uniform ? centralUniform(fm, fp, xs[c]!) : centralNonUniform(fm, f0, fp, xs[c - 1]!, xs[c]!);
        } else if (hasR) {
          const f2 = c < width - 2 ? data[base + c + 2]! : Number.NaN;
          gx =
            second && valid(f2)
              ? uniform || xs[c] === xs[c + 1]
                ? left2Uniform(f0, data[base + c + 1]!, f2, xs[c]!)
                : left2NonUniform(f0, data[base + c + 1]!, f2, xs[c]!, xs[c + 1]!)
              : forward1(f0, data[base + c + 1]!, xs[c]!);
        } else if (hasL) {
          const f2 = c > 1 ? data[base + c - 2]! : Number.NaN;
          gx =
            second && valid(f2)
              ? uniform || xs[c - 2] === xs[c - 1]
                ? right2Uniform(f2, data[base + c - 1]!, f0, xs[c - 1]!)
                : right2NonUniform(f2, data[base + c - 1]!, f0, xs[c - 2]!, xs[c - 1]!)
              : forward1(data[base + c - 1]!, f0, xs[c - 1]!);
        }
        // Down the column (y, in row order).
        const hasU = row > 0 && valid(at(row - 1, c));
        const hasD = row < demHeight - 1 && valid(at(row + 1, c));
        if (hasU && hasD) {
          const d1 = steps.yStep(row - 1, c);
          const d2 = steps.yStep(row, c);
          gy =
            d1 === d2
              ? centralUniform(at(row - 1, c), at(row + 1, c), d1)
              : centralNonUniform(at(row - 1, c), f0, at(row + 1, c), d1, d2);
        } else if (hasD) {
          const f2 = row < demHeight - 2 ? at(row + 2, c) : Number.NaN;
          const d1 = steps.yStep(row, c);
          if (second && valid(f2)) {
            const d2 = steps.yStep(row + 1, c);
            gy =
              d1 === d2
                ? left2Uniform(f0, at(row + 1, c), f2, d1)
                : left2NonUniform(f0, at(row + 1, c), f2, d1, d2);
          } else {
            gy = forward1(f0, at(row + 1, c), d1);
          }
        } else if (hasU) {
          const f2 = row > 1 ? at(row - 2, c) : Number.NaN;
          const d2 = steps.yStep(row - 1, c);
          if (second && valid(f2)) {
            const d1 = steps.yStep(row - 2, c);
            gy =
              d1 === d2
                ? right2Uniform(f2, at(row - 1, c), f0, d2)
                : right2NonUniform(f2, at(row - 1, c), f0, d1, d2);
          } else {
            gy = forward1(at(row - 1, c), f0, d2);
          }
        }
      }
      // A cell is defined only where both derivatives are.
      const defined = valid(gx) && valid(gy);
      out.dzdx[k * width + c] = defined ? options.xSign * gx : Number.NaN;
      out.dzdy[k * width + c] = defined ? options.ySign * gy : Number.NaN;
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
