/**
 * The `gradient` method: numpy.gradient along x (per row) and y (per column) with ground-metre coordinates, using
 * the project's one set of stencils. Nodata aware: where a central difference would touch nodata, the one-sided
 * difference on the valid side is used, as at a border, so holes grow no rim and borders get values.
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
import type { GridSteps } from "./grid-steps.js";
import type { DerivativeOptions, ElevationStrip, GradientStrip } from "./types.js";

/*
 * A stencil over equal elevations is exactly 0: the non-uniform (and second-order) weights only sum to zero up to
 * rounding, which would give flat ground a slope of 1e-17° and an arbitrary aspect.
 */

/**
 * Derivative at f0 from the cells after it: second order when asked and f2 is valid (d1 = f0→f1, d2 = f1→f2),
 * else first order.
 */
function fromNext(
  f0: number,
  f1: number,
  f2: number,
  d1: number,
  d2: number,
  second: boolean,
  uniform: boolean,
) {
  if (second && f2 === f2) {
    if (f1 === f0 && f2 === f0) return 0;
    return uniform ? left2Uniform(f0, f1, f2, d1) : left2NonUniform(f0, f1, f2, d1, d2);
  }
  return forward1(f0, f1, d1);
}

/** Derivative at f0 from the cells before it (f2 two back, f1 one back; d1 = f2→f1, d2 = f1→f0). */
function fromPrevious(
  f2: number,
  f1: number,
  f0: number,
  d1: number,
  d2: number,
  second: boolean,
  uniform: boolean,
) {
  if (second && f2 === f2) {
    if (f1 === f0 && f2 === f0) return 0;
    return uniform ? right2Uniform(f2, f1, f0, d2) : right2NonUniform(f2, f1, f0, d1, d2);
  }
  return forward1(f1, f0, d2);
}

/**
 * Fills `out` for its rows. Along x a row's steps form one coordinate array, so numpy's rule applies exactly (all
 * steps equal → uniform formulas). Along y a strip never holds a whole column, so the rule is applied locally:
 * two equal neighbouring steps → uniform formula (identical to numpy wherever a column's spacing is uniform).
 *
 * @example
 * ```ts
 * gradientMethod(strip, out, new GridSteps(spacing, width, strip.demHeight, out, 2), options);
 * ```
 */
export function gradientMethod(
  strip: ElevationStrip,
  out: GradientStrip,
  steps: GridSteps,
  options: DerivativeOptions,
): void {
  const { width, data, demHeight } = strip;
  const { dzdx, dzdy } = out;
  const second = options.edgeOrder === 2;
  const { xSign, ySign } = options;
  const xs = steps.x;
  const ys = steps.y;
  const last = width - 1;
  for (let k = 0; k < out.rows; k++) {
    const row = out.firstRow + k;
    const b = (row - strip.firstRow) * width;
    const o = k * width;
    const xo = steps.xOffset(row);
    const uniform = steps.xUniform[k] === 1;
    const h = xs[xo]!;
    for (let c = 0; c < width; c++) {
      const f0 = data[b + c]!;
      const fm = c > 0 ? data[b + c - 1]! : Number.NaN;
      const fp = c < last ? data[b + c + 1]! : Number.NaN;
      let g = Number.NaN;
      if (f0 === f0) {
        if (fm === fm && fp === fp) {
          g =
            uniform || (fm === f0 && fp === f0)
              ? centralUniform(fm, fp, h)
              : centralNonUniform(fm, f0, fp, xs[xo + c - 1]!, xs[xo + c]!);
        } else if (fp === fp) {
          const far = c + 1 < last;
          const f2 = far ? data[b + c + 2]! : Number.NaN;
          g = fromNext(f0, fp, f2, xs[xo + c]!, far ? xs[xo + c + 1]! : 0, second, uniform);
        } else if (fm === fm) {
          const far = c > 1;
          const f2 = far ? data[b + c - 2]! : Number.NaN;
          g = fromPrevious(f2, fm, f0, far ? xs[xo + c - 2]! : 0, xs[xo + c - 1]!, second, uniform);
        }
      }
      dzdx[o + c] = xSign * g;
    }

    // Down the column, in row order: the rows' y steps are its (possibly non-uniform) coordinates.
    const hasUp = row > 0;
    const hasDown = row < demHeight - 1;
    const hasUp2 = second && row > 1;
    const hasDown2 = second && row < demHeight - 2;
    const yUp = hasUp ? steps.yOffset(row - 1) : 0;
    const yDown = hasDown ? steps.yOffset(row) : 0;
    const yUp2 = hasUp2 ? steps.yOffset(row - 2) : 0;
    const yDown2 = hasDown2 ? steps.yOffset(row + 1) : 0;
    for (let c = 0; c < width; c++) {
      const f0 = data[b + c]!;
      const fu = hasUp ? data[b - width + c]! : Number.NaN;
      const fd = hasDown ? data[b + width + c]! : Number.NaN;
      let g = Number.NaN;
      if (f0 === f0) {
        if (fu === fu && fd === fd) {
          const d1 = ys[yUp + c]!;
          const d2 = ys[yDown + c]!;
          g =
            d1 === d2 || (fu === f0 && fd === f0)
              ? centralUniform(fu, fd, d1)
              : centralNonUniform(fu, f0, fd, d1, d2);
        } else if (fd === fd) {
          const f2 = hasDown2 ? data[b + 2 * width + c]! : Number.NaN;
          const d1 = ys[yDown + c]!;
          const d2 = hasDown2 ? ys[yDown2 + c]! : 0;
          g = fromNext(f0, fd, f2, d1, d2, second, d1 === d2);
        } else if (fu === fu) {
          const f2 = hasUp2 ? data[b - 2 * width + c]! : Number.NaN;
          const d1 = hasUp2 ? ys[yUp2 + c]! : 0;
          const d2 = ys[yUp + c]!;
          g = fromPrevious(f2, fu, f0, d1, d2, second, d1 === d2);
        }
      }
      // A cell is defined only where both derivatives are.
      const gx = dzdx[o + c]!;
      if (g !== g || gx !== gx) {
        dzdx[o + c] = Number.NaN;
        dzdy[o + c] = Number.NaN;
      } else {
        dzdy[o + c] = ySign * g;
      }
    }
  }
}
